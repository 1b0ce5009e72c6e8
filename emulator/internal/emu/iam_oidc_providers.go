package emu

import (
	"slices"
	"strings"

	"github.com/astran-oss/astran-go/arn"
)

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
