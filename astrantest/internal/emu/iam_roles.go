package emu

import (
	"slices"
	"strconv"
	"strings"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/astrantest/internal/oidc"
)

func newUUID() string { return oidc.RandomID() }

func (c *iamCall) writeRole(name string, r *Role) {
	c.out.open(name)
	c.out.elem("Path", r.Path)
	c.out.elem("RoleName", r.Name)
	c.out.elem("RoleId", r.ID)
	c.out.elem("Arn", r.ARN.String())
	c.out.time("CreateDate", r.Created)
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
	a, err := arn.Role(c.s.State.Partition, c.s.State.Account, path, name)
	if err != nil {
		return invalidInput("The role name %s is invalid", name)
	}
	boundary, ctx := c.boundaryContext(tags)
	if e := c.authz("CreateRole", a.String(), ctx); e != nil {
		return e
	}
	doc, e := c.parseDoc(raw)
	if e != nil {
		return e
	}
	st := c.s.State
	defer c.lock(true)()
	if st.roles[strings.ToLower(name)] != nil {
		return exists("Role with name %s already exists.", name)
	}
	if boundary != "" && !c.policyExistsLocked(boundary) {
		return noSuch("Policy %s does not exist or is not attachable.", boundary)
	}
	r := &Role{ARN: a, ID: RandomID("AROA"), Name: name, Path: path, Description: c.get("Description"),
		MaxSession: maxSession, Created: c.s.Now().UTC(), Trust: raw, TrustDoc: doc, Tags: tags,
		Boundary: boundary, Inline: map[string]*Inline{}}
	st.roles[strings.ToLower(name)] = r
	c.result = true
	c.writeRole("Role", r)
	return nil
}

func (c *iamCall) withRole(action string, ctx map[string][]string, write bool, f func(r *Role) *APIError) *APIError {
	return withNamed(c, "role", action, ctx, write, byName(c.s.State.roles, func(r *Role) arn.ARN { return r.ARN }), f)
}

func getRole(c *iamCall) *APIError {
	return c.withRole("GetRole", nil, false, func(r *Role) *APIError {
		c.result = true
		c.writeRole("Role", r)
		return nil
	})
}

func listRoles(c *iamCall) *APIError {
	return listByPath(c, "ListRoles", "role", "Roles", c.s.State.roles,
		func(r *Role) string { return r.Path }, func(r *Role) string { return r.Name }, c.writeRole)
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
	raw, e := c.required("PolicyDocument")
	if e != nil {
		return e
	}
	doc, e := c.parseDoc(raw)
	if e != nil {
		return e
	}
	return c.withRole("UpdateAssumeRolePolicy", nil, true, func(r *Role) *APIError {
		r.Trust, r.TrustDoc = raw, doc
		return nil
	})
}

func tagRole(c *iamCall) *APIError {
	tags, e := c.tags()
	if e != nil {
		return e
	}
	return c.withRole("TagRole", tagContext(tags, nil), true, func(r *Role) *APIError {
		r.Tags = mergeTags(r.Tags, tags)
		return nil
	})
}

// ---- OIDC providers ----

func createOIDCProvider(c *iamCall) *APIError {
	u, e := c.required("Url")
	if e != nil {
		return e
	}
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return invalidInput("Invalid Url %s: must begin with https://", u)
	}
	tags, e := c.tags()
	if e != nil {
		return e
	}
	a, err := arn.OIDCProvider(c.s.State.Partition, c.s.State.Account, u)
	if err != nil {
		return invalidInput("Invalid Url %s", u)
	}
	if e := c.authz("CreateOpenIDConnectProvider", a.String(), tagContext(tags, nil)); e != nil {
		return e
	}
	st := c.s.State
	defer c.lock(true)()
	if st.providers[a.String()] != nil {
		return exists("Provider with url %s already exists.", u)
	}
	st.providers[a.String()] = &OIDCProvider{ARN: a, URL: u, ClientIDs: c.members("ClientIDList"),
		Thumbprints: c.members("ThumbprintList"), Created: c.s.Now().UTC(), Tags: tags}
	c.result = true
	c.out.elem("OpenIDConnectProviderArn", a.String())
	if len(tags) > 0 {
		c.out.tags("Tags", tags)
	}
	return nil
}

func (c *iamCall) withProvider(action string, write bool, f func(p *OIDCProvider) *APIError) *APIError {
	p, e := c.required("OpenIDConnectProviderArn")
	if e != nil {
		return e
	}
	if e := c.authz(action, p, nil); e != nil {
		return e
	}
	st := c.s.State
	defer c.lock(write)()
	op := st.providers[p]
	if op == nil {
		return noSuch("OpenIDConnect Provider not found for arn %s", p)
	}
	return f(op)
}

func getOIDCProvider(c *iamCall) *APIError {
	return c.withProvider("GetOpenIDConnectProvider", false, func(p *OIDCProvider) *APIError {
		c.result = true
		c.out.elem("Url", trimScheme(p.URL))
		c.out.open("ClientIDList")
		for _, id := range p.ClientIDs {
			c.out.elem("member", id)
		}
		c.out.close("ClientIDList")
		c.out.open("ThumbprintList")
		for _, t := range p.Thumbprints {
			c.out.elem("member", t)
		}
		c.out.close("ThumbprintList")
		c.out.time("CreateDate", p.Created)
		c.out.tags("Tags", p.Tags)
		return nil
	})
}

func listOIDCProviders(c *iamCall) *APIError {
	if e := c.authz("ListOpenIDConnectProviders", c.listARN("oidc-provider"), nil); e != nil {
		return e
	}
	st := c.s.State
	st.mu.RLock()
	ps := sortedValues(st.providers)
	st.mu.RUnlock()
	c.result = true
	c.out.open("OpenIDConnectProviderList")
	for _, p := range ps {
		c.out.open("member")
		c.out.elem("Arn", p.ARN.String())
		c.out.close("member")
	}
	c.out.close("OpenIDConnectProviderList")
	return nil
}

func deleteOIDCProvider(c *iamCall) *APIError {
	return c.withProvider("DeleteOpenIDConnectProvider", true, func(p *OIDCProvider) *APIError {
		delete(c.s.State.providers, p.ARN.String())
		return nil
	})
}

func addClientID(c *iamCall) *APIError {
	return c.withClientID("AddClientIDToOpenIDConnectProvider", func(p *OIDCProvider, id string) {
		if !slices.Contains(p.ClientIDs, id) {
			p.ClientIDs = append(p.ClientIDs, id)
		}
	})
}

func removeClientID(c *iamCall) *APIError {
	return c.withClientID("RemoveClientIDFromOpenIDConnectProvider", func(p *OIDCProvider, id string) {
		p.ClientIDs = slices.DeleteFunc(p.ClientIDs, func(x string) bool { return x == id })
	})
}

// withClientID runs f, for action, on the provider and the request's ClientID
// under the write lock.
func (c *iamCall) withClientID(action string, f func(p *OIDCProvider, id string)) *APIError {
	id, e := c.required("ClientID")
	if e != nil {
		return e
	}
	return c.withProvider(action, true, func(p *OIDCProvider) *APIError {
		f(p, id)
		return nil
	})
}

func updateThumbprint(c *iamCall) *APIError {
	tps := c.members("ThumbprintList")
	return c.withProvider("UpdateOpenIDConnectProviderThumbprint", true, func(p *OIDCProvider) *APIError {
		p.Thumbprints = tps
		return nil
	})
}
