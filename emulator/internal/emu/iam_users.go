package emu

import (
	"net/http"
	"strings"

	"github.com/astran-oss/astran-go/arn"
)

func (c *iamCall) writeUser(name string, u *User) {
	c.openEntity(name, "user", &u.Entity)
	c.closeEntity(name, u.Boundary, u.Tags)
}

// closeEntity ends the User or Role element name: its PermissionsBoundary
// when it has one, its Tags unless it is a list member, and the closing tag.
func (c *iamCall) closeEntity(name string, boundary arn.ARN, tags []Tag) {
	if boundary.IsValid() {
		c.out.open("PermissionsBoundary")
		c.out.elem("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
		c.out.elem("PermissionsBoundaryArn", boundary.String())
		c.out.close("PermissionsBoundary")
	}
	if len(tags) > 0 && name != "member" {
		c.out.tags("Tags", tags)
	}
	c.out.close(name)
}

func createUser(c *iamCall) *APIError {
	name, e := c.required("UserName")
	if e != nil {
		return e
	}
	if err := arn.ValidateEmail(name); err != nil {
		return invalidInput("The user name %s must be a valid email address", name)
	}
	path, e := validPath(c.get("Path"))
	if e != nil {
		return e
	}
	tags, e := c.tags()
	if e != nil {
		return e
	}
	a, boundary, e := c.authorizeCreate("user", path, name, tags, arn.User)
	if e != nil {
		return e
	}
	sub := newUUID()
	u := &User{Entity: Entity{ARN: a, ID: "AIDA" + strings.ToUpper(strings.ReplaceAll(sub, "-", "")), Name: name, Path: path,
		Created: c.s.Now().UTC(), Inline: map[string]*Inline{}}, Subject: sub, Tags: tags, Boundary: boundary}
	unlock := c.lock(true)
	e = addEntity(c, "user", c.s.State.users, u, boundary, c.writeUser)
	unlock()
	if e != nil {
		return e
	}
	_ = c.s.OIDC.AddAccount(c.s.Realm(), sub, name, c.s.UserPassword)
	if c.s.UserPassword == "" {
		c.s.sendVerification(name)
	}
	return nil
}

func (c *iamCall) userOrSelf() (*User, *APIError) {
	name := c.get("UserName")
	st := c.s.State
	if name == "" {
		if c.caller.Identity.Type() == arn.TypeUser {
			name = c.caller.Identity.Name()
		} else {
			return nil, apiErr(http.StatusBadRequest, "ValidationError", "Must specify userName when calling with non-User credentials")
		}
	}
	u := st.users[strings.ToLower(name)]
	if u == nil {
		return nil, noSuch("The user with name %s cannot be found.", name)
	}
	return u, nil
}

func (c *iamCall) userARNGuess(name string) string { return c.arnOf("user", "/", name) }

func getUser(c *iamCall) *APIError {
	if c.get("UserName") == "" && c.caller.Identity.Type() == arn.TypeRoot {
		// As in AWS: the root identity describes itself without a name.
		if e := c.authz("GetUser", c.caller.Identity.String(), nil); e != nil {
			return e
		}
		c.result = true
		c.out.open("User")
		c.out.elem("UserId", c.s.State.Account)
		c.out.elem("Arn", c.caller.Identity.String())
		c.out.time("CreateDate", c.s.started)
		c.out.close("User")
		return nil
	}
	st := c.s.State
	st.mu.RLock()
	u, e := c.userOrSelf()
	var cp User
	if u != nil {
		cp = *u
	}
	st.mu.RUnlock()
	if e != nil {
		if ae := c.authz("GetUser", c.userARNGuess(c.get("UserName")), nil); ae != nil {
			return ae
		}
		return e
	}
	if e := c.authz("GetUser", cp.ARN.String(), nil); e != nil {
		return e
	}
	c.result = true
	c.writeUser("User", &cp)
	return nil
}

func listUsers(c *iamCall) *APIError {
	return listByPath(c, "user", c.s.State.users, c.writeUser)
}

// withUser authorizes action on the named user and runs f under the write lock.
func (c *iamCall) withUser(action string, ctx map[string][]string, f func(u *User) *APIError) *APIError {
	return withNamed(c, "user", action, ctx, true, byName(c.s.State.users), f)
}

func deleteUser(c *iamCall) *APIError {
	var removed string
	e := c.withUser("DeleteUser", nil, func(u *User) *APIError {
		if len(u.Groups) > 0 {
			return conflict("Cannot delete entity, must remove users from group first.")
		}
		if len(u.Attached) > 0 || len(u.Inline) > 0 {
			return conflict("Cannot delete entity, must detach all policies first.")
		}
		for _, k := range c.s.State.keys {
			if k.User == strings.ToLower(u.Name) {
				return conflict("Cannot delete entity, must delete access keys first.")
			}
		}
		delete(c.s.State.users, strings.ToLower(u.Name))
		removed = u.Name
		return nil
	})
	if e == nil {
		c.s.OIDC.RemoveAccount(c.s.Realm(), removed)
	}
	return e
}

// loginProfile answers NoSuchEntity: Astran users set their password
// through Keycloak, never through an IAM login profile.
func loginProfile(action string) iamOp {
	return func(c *iamCall) *APIError {
		return c.withUser(action, nil, func(u *User) *APIError {
			return noSuch("Login Profile for User %s cannot be found.", u.Name)
		})
	}
}
