package emu

import (
	"slices"
	"sort"
	"strings"

	"github.com/astran-oss/astran-go/arn"
)

func (c *iamCall) writeGroup(name string, g *Group) {
	c.openEntity(name, "group", &g.Entity)
	c.out.close(name)
}

func createGroup(c *iamCall) *APIError {
	name, path, e := c.nameAndPath("group", 128)
	if e != nil {
		return e
	}
	a, e := c.newARN("group", path, name, arn.Group)
	if e != nil {
		return e
	}
	if e := c.authz("CreateGroup", a.String(), nil); e != nil {
		return e
	}
	g := &Group{Entity: Entity{ARN: a, ID: RandomID("AGPA"), Name: name, Path: path, Created: c.s.Now().UTC(), Inline: map[string]*Inline{}}}
	defer c.lock(true)()
	return addEntity(c, "group", c.s.State.groups, g, arn.ARN{}, c.writeGroup)
}

func (c *iamCall) withGroup(action string, ctx map[string][]string, write bool, f func(g *Group) *APIError) *APIError {
	return withNamed(c, "group", action, ctx, write, byName(c.s.State.groups), f)
}

func getGroup(c *iamCall) *APIError {
	return c.withGroup("GetGroup", nil, false, func(g *Group) *APIError {
		c.writeGroup("Group", g)
		return sortedPage(c, "Users", slices.Clone(g.Members), func(m string) {
			if u := c.s.State.users[m]; u != nil {
				c.writeUser("member", u)
			}
		})
	})
}

func listGroups(c *iamCall) *APIError {
	return listByPath(c, "group", c.s.State.groups, c.writeGroup)
}

func deleteGroup(c *iamCall) *APIError {
	return c.withGroup("DeleteGroup", nil, true, func(g *Group) *APIError {
		if len(g.Members) > 0 {
			return conflict("Cannot delete entity, must remove users from group first.")
		}
		if len(g.Attached) > 0 || len(g.Inline) > 0 {
			return conflict("Cannot delete entity, must detach all policies first.")
		}
		delete(c.s.State.groups, strings.ToLower(g.Name))
		return nil
	})
}

// withMember authorizes action on the named group and runs f, under the
// write lock, with the group, the user named by UserName and that user's key.
func (c *iamCall) withMember(action string, f func(g *Group, u *User, user, key string) *APIError) *APIError {
	user, e := c.required("UserName")
	if e != nil {
		return e
	}
	return c.withGroup(action, nil, true, func(g *Group) *APIError {
		u := c.s.State.users[strings.ToLower(user)]
		if u == nil {
			return noSuch("The user with name %s cannot be found.", user)
		}
		return f(g, u, user, strings.ToLower(u.Name))
	})
}

func addUserToGroup(c *iamCall) *APIError {
	return c.withMember("AddUserToGroup", func(g *Group, u *User, _, key string) *APIError {
		if !slices.Contains(g.Members, key) {
			g.Members = append(g.Members, key)
			u.Groups = append(u.Groups, strings.ToLower(g.Name))
		}
		return nil
	})
}

func removeUserFromGroup(c *iamCall) *APIError {
	return c.withMember("RemoveUserFromGroup", func(g *Group, u *User, user, key string) *APIError {
		if !slices.Contains(g.Members, key) {
			return noSuch("User %s is not in group %s.", user, g.Name)
		}
		g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return m == key })
		u.Groups = slices.DeleteFunc(u.Groups, func(m string) bool { return m == strings.ToLower(g.Name) })
		return nil
	})
}

func listGroupsForUser(c *iamCall) *APIError {
	var gs []Group
	e := c.withUser("ListGroupsForUser", nil, func(u *User) *APIError {
		names := slices.Clone(u.Groups)
		sort.Strings(names)
		for _, n := range names {
			if g := c.s.State.groups[n]; g != nil {
				gs = append(gs, *g)
			}
		}
		return nil
	})
	if e != nil {
		return e
	}
	return writePage(c, "Groups", gs, func(g Group) string { return strings.ToLower(g.Name) }, func(g *Group) { c.writeGroup("member", g) })
}
