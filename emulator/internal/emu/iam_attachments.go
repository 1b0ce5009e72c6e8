package emu

import (
	"net/http"
	"slices"
	"strings"

	"github.com/astran-oss/astran-go/arn"
)

// boundaryContext returns the request's PermissionsBoundary and the
// condition context of a Create call with tags and that boundary.
func (c *iamCall) boundaryContext(tags []Tag) (boundary string, ctx map[string][]string) {
	boundary = c.get("PermissionsBoundary")
	if boundary != "" {
		ctx = map[string][]string{"iam:PermissionsBoundary": {boundary}}
	}
	return boundary, tagContext(tags, ctx)
}

// putBoundary answers Put{User,Role}PermissionsBoundary.
func putBoundary(kind string) iamOp {
	return func(c *iamCall) *APIError {
		b, e := c.required("PermissionsBoundary")
		if e != nil {
			return e
		}
		return c.withEntity(kind, "Put"+kindTitle(kind)+"PermissionsBoundary", map[string][]string{"iam:PermissionsBoundary": {b}}, true, func(ref entityRef) *APIError {
			if !c.policyExistsLocked(b) {
				return noSuch("Policy %s does not exist or is not attachable.", b)
			}
			*ref.boundary = b
			return nil
		})
	}
}

// deleteBoundary answers Delete{User,Role}PermissionsBoundary.
func deleteBoundary(kind string) iamOp {
	return func(c *iamCall) *APIError {
		return c.withEntity(kind, "Delete"+kindTitle(kind)+"PermissionsBoundary", nil, true, func(ref entityRef) *APIError {
			*ref.boundary = ""
			return nil
		})
	}
}

// entity finds the user, group or role named by the request, under the lock.
type entityRef struct {
	attached *[]string
	inline   map[string]*Inline
	boundary *string // nil for groups
	tags     *[]Tag  // nil for groups
}

func (c *iamCall) entityName(kind string) string { return c.get(kindTitle(kind) + "Name") }

// entityLocked finds the user, group or role of that kind and name.
func (c *iamCall) entityLocked(kind, name string) (entityRef, string, bool) {
	st := c.s.State
	switch kind {
	case "user":
		if u := st.users[strings.ToLower(name)]; u != nil {
			return entityRef{&u.Attached, u.Inline, &u.Boundary, &u.Tags}, u.ARN.String(), true
		}
	case "group":
		if g := st.groups[strings.ToLower(name)]; g != nil {
			return entityRef{&g.Attached, g.Inline, nil, nil}, g.ARN.String(), true
		}
	case "role":
		if r := st.roles[strings.ToLower(name)]; r != nil {
			return entityRef{&r.Attached, r.Inline, &r.Boundary, &r.Tags}, r.ARN.String(), true
		}
	}
	return entityRef{}, "", false
}

func kindTitle(kind string) string { return strings.ToUpper(kind[:1]) + kind[1:] }

// withEntity authorizes and runs f under the lock.
func (c *iamCall) withEntity(kind, action string, ctx map[string][]string, write bool, f func(e entityRef) *APIError) *APIError {
	return withNamed(c, kind, action, ctx, write, func(name string) (entityRef, string, bool) { return c.entityLocked(kind, name) }, f)
}

func attach(kind string) iamOp {
	return func(c *iamCall) *APIError {
		p, e := c.required("PolicyArn")
		if e != nil {
			return e
		}
		if !arn.IsARN(p) {
			return invalidInput("ARN %s is not valid.", p)
		}
		return c.withEntity(kind, "Attach"+kindTitle(kind)+"Policy", map[string][]string{"iam:PolicyARN": {p}}, true, func(ref entityRef) *APIError {
			if !c.policyExistsLocked(p) {
				return noSuch("Policy %s does not exist or is not attachable.", p)
			}
			if containsPolicy(*ref.attached, p) >= 0 {
				return nil
			}
			if len(*ref.attached) >= 10 {
				return apiErr(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for PoliciesPerGroup: 10")
			}
			*ref.attached = append(*ref.attached, p)
			return nil
		})
	}
}

func detach(kind string) iamOp {
	return func(c *iamCall) *APIError {
		p, e := c.required("PolicyArn")
		if e != nil {
			return e
		}
		return c.withEntity(kind, "Detach"+kindTitle(kind)+"Policy", map[string][]string{"iam:PolicyARN": {p}}, true, func(ref entityRef) *APIError {
			i := containsPolicy(*ref.attached, p)
			if i < 0 {
				return noSuch("Policy %s was not found.", p)
			}
			*ref.attached = slices.Delete(*ref.attached, i, i+1)
			return nil
		})
	}
}

func policyNameOf(p string) string {
	a, err := arn.Parse(p)
	if err != nil {
		return p
	}
	return a.Name()
}

func listAttached(kind string) iamOp {
	return func(c *iamCall) *APIError {
		var list []string
		e := c.withEntity(kind, "ListAttached"+kindTitle(kind)+"Policies", nil, false, func(ref entityRef) *APIError {
			list = slices.Clone(*ref.attached)
			return nil
		})
		if e != nil {
			return e
		}
		return sortedPage(c, "AttachedPolicies", list, func(p string) {
			c.out.open("member")
			c.out.elem("PolicyName", policyNameOf(p))
			c.out.elem("PolicyArn", p)
			c.out.close("member")
		})
	}
}

func putInline(kind string) iamOp {
	return func(c *iamCall) *APIError {
		name, e := c.required("PolicyName")
		if e != nil {
			return e
		}
		if e := validName("policy", name, 128); e != nil {
			return e
		}
		raw, e := c.required("PolicyDocument")
		if e != nil {
			return e
		}
		doc, e := c.parseDoc(raw)
		if e != nil {
			return e
		}
		return c.withEntity(kind, "Put"+kindTitle(kind)+"Policy", nil, true, func(ref entityRef) *APIError {
			ref.inline[name] = &Inline{Raw: raw, Doc: doc}
			return nil
		})
	}
}

// withInline authorizes {verb}{Kind}Policy on the named entity and runs f,
// under the lock, with the entity and its inline policy named by PolicyName.
func (c *iamCall) withInline(kind, verb string, write bool, f func(ref entityRef, name string, in *Inline) *APIError) *APIError {
	name, e := c.required("PolicyName")
	if e != nil {
		return e
	}
	return c.withEntity(kind, verb+kindTitle(kind)+"Policy", nil, write, func(ref entityRef) *APIError {
		in := ref.inline[name]
		if in == nil {
			return noSuch("The %s policy with name %s cannot be found.", kind, name)
		}
		return f(ref, name, in)
	})
}

func getInline(kind string) iamOp {
	return func(c *iamCall) *APIError {
		return c.withInline(kind, "Get", false, func(_ entityRef, name string, in *Inline) *APIError {
			c.result = true
			c.out.elem(kindTitle(kind)+"Name", c.entityName(kind))
			c.out.elem("PolicyName", name)
			c.out.elem("PolicyDocument", encodeDoc(in.Raw))
			return nil
		})
	}
}

func deleteInline(kind string) iamOp {
	return func(c *iamCall) *APIError {
		return c.withInline(kind, "Delete", true, func(ref entityRef, name string, _ *Inline) *APIError {
			delete(ref.inline, name)
			return nil
		})
	}
}

func listInline(kind string) iamOp {
	return func(c *iamCall) *APIError {
		var names []string
		e := c.withEntity(kind, "List"+kindTitle(kind)+"Policies", nil, false, func(ref entityRef) *APIError {
			for n := range ref.inline {
				names = append(names, n)
			}
			return nil
		})
		if e != nil {
			return e
		}
		return sortedPage(c, "PolicyNames", names, func(n string) { c.out.elem("member", n) })
	}
}
