package emu

import (
	"net/http"
	"slices"
	"strings"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
)

// authorizeCreate builds with mk the ARN a of the new user or role (kind)
// named name at path, and authorizes Create{Kind} on it with its tags and the
// request's PermissionsBoundary as condition context; it returns a and that
// boundary (canonical; the zero ARN when absent).
func (c *iamCall) authorizeCreate(kind, path, name string, tags []Tag, mk func(partition, account, path, name string) (arn.ARN, error)) (a, boundary arn.ARN, e *APIError) {
	if a, e = c.newARN(kind, path, name, mk); e != nil {
		return arn.ARN{}, arn.ARN{}, e
	}
	var ctx map[string][]string
	if raw := c.get("PermissionsBoundary"); raw != "" {
		if boundary, e = c.policyARN(raw); e != nil {
			return arn.ARN{}, arn.ARN{}, e
		}
		ctx = map[string][]string{"iam:PermissionsBoundary": {boundary.String()}}
	}
	return a, boundary, c.authz("Create"+kindTitle(kind), a.String(), tagContext(tags, ctx))
}

// withAttachable reads the policy ARN parameter param, authorizes action on
// the named entity of kind with that ARN as condition key cond, and runs f,
// under the write lock, with the entity and the policy once it is known to
// exist.
func (c *iamCall) withAttachable(kind, action, param, cond string, f func(ref entityRef, p arn.ARN) *APIError) *APIError {
	raw, p, e := c.policyARNParam(param)
	if e != nil {
		return e
	}
	return c.withEntity(kind, action, map[string][]string{cond: {p.String()}}, true, func(ref entityRef) *APIError {
		if !c.policyExistsLocked(p) {
			return noSuch("Policy %s does not exist or is not attachable.", raw)
		}
		return f(ref, p)
	})
}

// putBoundary answers Put{User,Role}PermissionsBoundary.
func putBoundary(kind string) iamOp {
	return func(c *iamCall) *APIError {
		return c.withAttachable(kind, "Put"+kindTitle(kind)+"PermissionsBoundary", "PermissionsBoundary", "iam:PermissionsBoundary",
			func(ref entityRef, b arn.ARN) *APIError {
				*ref.boundary = b
				return nil
			})
	}
}

// deleteBoundary answers Delete{User,Role}PermissionsBoundary.
func deleteBoundary(kind string) iamOp {
	return func(c *iamCall) *APIError {
		return c.withEntity(kind, "Delete"+kindTitle(kind)+"PermissionsBoundary", nil, true, func(ref entityRef) *APIError {
			*ref.boundary = arn.ARN{}
			return nil
		})
	}
}

// entityRef is the user, group or role named by a request.
type entityRef struct {
	*Entity
	boundary *arn.ARN // nil for groups
	tags     *[]Tag   // nil for groups
}

func (c *iamCall) entityName(kind string) string { return c.get(kindTitle(kind) + "Name") }

// entityLocked finds the user, group or role of that kind and name.
func (c *iamCall) entityLocked(kind, name string) (entityRef, string, bool) {
	st := c.s.State
	switch kind {
	case "user":
		if u := st.users[strings.ToLower(name)]; u != nil {
			return entityRef{&u.Entity, &u.Boundary, &u.Tags}, u.ARN.String(), true
		}
	case "group":
		if g := st.groups[strings.ToLower(name)]; g != nil {
			return entityRef{&g.Entity, nil, nil}, g.ARN.String(), true
		}
	case "role":
		if r := st.roles[strings.ToLower(name)]; r != nil {
			return entityRef{&r.Entity, &r.Boundary, &r.Tags}, r.ARN.String(), true
		}
	}
	return entityRef{}, "", false
}

func kindTitle(kind string) string { return strings.ToUpper(kind[:1]) + kind[1:] }

// withEntity authorizes and runs f under the lock.
func (c *iamCall) withEntity(kind, action string, ctx map[string][]string, write bool, f func(e entityRef) *APIError) *APIError {
	return withNamed(c, kind, action, ctx, write, func(name string) (entityRef, string, bool) { return c.entityLocked(kind, name) }, f)
}

// policyARNParam reads a required policy ARN parameter (PolicyArn,
// PermissionsBoundary) as policyARN does.
func (c *iamCall) policyARNParam(name string) (raw string, p arn.ARN, e *APIError) {
	if raw, e = c.required(name); e != nil {
		return "", arn.ARN{}, e
	}
	p, e = c.policyARN(raw)
	return raw, p, e
}

// docParam reads and parses a required policy document parameter.
func (c *iamCall) docParam(name string) (raw string, doc *policy.Document, e *APIError) {
	if raw, e = c.required(name); e != nil {
		return "", nil, e
	}
	doc, e = c.parseDoc(raw)
	return raw, doc, e
}

func attach(kind string) iamOp {
	return func(c *iamCall) *APIError {
		return c.withAttachable(kind, "Attach"+kindTitle(kind)+"Policy", "PolicyArn", "iam:PolicyARN", func(ref entityRef, p arn.ARN) *APIError {
			if slices.Contains(ref.Attached, p) {
				return nil
			}
			if len(ref.Attached) >= 10 {
				return apiErr(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for PoliciesPerGroup: 10")
			}
			ref.Attached = append(ref.Attached, p)
			return nil
		})
	}
}

func detach(kind string) iamOp {
	return func(c *iamCall) *APIError {
		raw, p, e := c.policyARNParam("PolicyArn")
		if e != nil {
			return e
		}
		return c.withEntity(kind, "Detach"+kindTitle(kind)+"Policy", map[string][]string{"iam:PolicyARN": {p.String()}}, true, func(ref entityRef) *APIError {
			i := slices.Index(ref.Attached, p)
			if i < 0 {
				return noSuch("Policy %s was not found.", raw)
			}
			ref.Attached = slices.Delete(ref.Attached, i, i+1)
			return nil
		})
	}
}

func listAttached(kind string) iamOp {
	return func(c *iamCall) *APIError {
		var list []string
		e := c.withEntity(kind, "ListAttached"+kindTitle(kind)+"Policies", nil, false, func(ref entityRef) *APIError {
			for _, p := range ref.Attached {
				list = append(list, p.String())
			}
			return nil
		})
		if e != nil {
			return e
		}
		return sortedPage(c, "AttachedPolicies", list, func(p string) {
			c.out.open("member")
			c.out.elem("PolicyName", p[strings.LastIndexByte(p, '/')+1:])
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
		raw, doc, e := c.docParam("PolicyDocument")
		if e != nil {
			return e
		}
		return c.withEntity(kind, "Put"+kindTitle(kind)+"Policy", nil, true, func(ref entityRef) *APIError {
			ref.Inline[name] = &Inline{Raw: raw, Doc: doc}
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
		in := ref.Inline[name]
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
			delete(ref.Inline, name)
			return nil
		})
	}
}

func listInline(kind string) iamOp {
	return func(c *iamCall) *APIError {
		var names []string
		e := c.withEntity(kind, "List"+kindTitle(kind)+"Policies", nil, false, func(ref entityRef) *APIError {
			for n := range ref.Inline {
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
