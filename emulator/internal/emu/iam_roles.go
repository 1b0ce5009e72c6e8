package emu

import (
	"strconv"
	"strings"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/emulator/internal/oidc"
)

func newUUID() string { return oidc.RandomID() }

func (c *iamCall) writeRole(name string, r *Role) {
	c.openEntity(name, "role", &r.Entity)
	c.out.elem("AssumeRolePolicyDocument", encodeDoc(r.Trust))
	c.out.opt("Description", r.Description)
	c.out.elem("MaxSessionDuration", strconv.Itoa(r.MaxSession))
	c.closeEntity(name, r.Boundary, r.Tags)
}

func createRole(c *iamCall) *APIError {
	name, path, raw, tags, e := c.createInput("role", 64, "AssumeRolePolicyDocument")
	if e != nil {
		return e
	}
	maxSession := 3600
	if m := c.get("MaxSessionDuration"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 3600 || n > 43200 {
			return invalidInput("MaxSessionDuration must be between 3600 and 43200")
		}
		maxSession = n
	}
	a, boundary, e := c.authorizeCreate("role", path, name, tags, arn.Role)
	if e != nil {
		return e
	}
	doc, e := c.parseDoc(raw)
	if e != nil {
		return e
	}
	r := &Role{Entity: Entity{ARN: a, ID: RandomID("AROA"), Name: name, Path: path, Created: c.s.Now().UTC(), Inline: map[string]*Inline{}},
		Description: c.get("Description"), MaxSession: maxSession, Trust: raw, TrustDoc: doc, Tags: tags, Boundary: boundary}
	defer c.lock(true)()
	return addEntity(c, "role", c.s.State.roles, r, boundary, c.writeRole)
}

func (c *iamCall) withRole(action string, ctx map[string][]string, write bool, f func(r *Role) *APIError) *APIError {
	return withNamed(c, "role", action, ctx, write, byName(c.s.State.roles), f)
}

func getRole(c *iamCall) *APIError {
	return c.withRole("GetRole", nil, false, func(r *Role) *APIError {
		c.result = true
		c.writeRole("Role", r)
		return nil
	})
}

func listRoles(c *iamCall) *APIError {
	return listByPath(c, "role", c.s.State.roles, c.writeRole)
}

func deleteRole(c *iamCall) *APIError {
	return c.withRole("DeleteRole", nil, true, func(r *Role) *APIError {
		if len(r.Attached) > 0 || len(r.Inline) > 0 {
			return conflict("Cannot delete entity, must detach all policies first.")
		}
		delete(c.s.State.roles, strings.ToLower(r.Name))
		return nil
	})
}

func updateAssumeRolePolicy(c *iamCall) *APIError {
	raw, doc, e := c.docParam("PolicyDocument")
	if e != nil {
		return e
	}
	return c.withRole("UpdateAssumeRolePolicy", nil, true, func(r *Role) *APIError {
		r.Trust, r.TrustDoc = raw, doc
		return nil
	})
}
