package emu

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"
)

// MaxPolicyVersions is how many versions a managed policy keeps.
const MaxPolicyVersions = 5

func encodeDoc(raw string) string {
	return strings.ReplaceAll(url.QueryEscape(raw), "+", "%20")
}

// policyARN parses a managed policy ARN from a request. A built-in is
// accepted only as builtin.Canonical accepts it (partition "astran" or the
// emulator's own, no region, no path, a known name) and is returned in its
// canonical spelling, so that attachments, boundaries and the condition
// keys iam:PolicyARN and iam:PermissionsBoundary only ever see that one
// spelling. Any other spelling of a built-in is refused: InvalidInput for a
// refused spelling, NoSuchEntity for an unknown name, never a customer
// lookup.
func (c *iamCall) policyARN(raw string) (arn.ARN, *APIError) { return c.s.policyARN(raw) }

// policyARN is iamCall.policyARN for the services that take policy ARNs
// outside IAM (STS's PolicyArns).
func (s *Services) policyARN(raw string) (arn.ARN, *APIError) {
	a, err := arn.Parse(raw)
	if err != nil {
		return arn.ARN{}, invalidInput("ARN %s is not valid.", raw)
	}
	if !builtin.IsBuiltin(a) {
		return a, nil
	}
	ca, err := builtin.Canonical(a, s.State.Partition)
	switch {
	case errors.Is(err, builtin.ErrSpelling):
		return arn.ARN{}, invalidInput("ARN %s is not valid: built-in policies are arn:%s:iam::%s:policy/{Name}.", raw, builtin.Partition, builtin.Account)
	case err != nil || ca.Type() != arn.TypePolicy:
		return arn.ARN{}, noSuch("Policy %s does not exist or is not attachable.", raw)
	}
	return ca, nil
}

// policyExistsLocked reports whether a managed policy (canonical built-in,
// as policyARN returns it, or local) exists.
func (c *iamCall) policyExistsLocked(p arn.ARN) bool {
	if builtin.IsBuiltin(p) {
		_, ok := builtin.Document(p.Name())
		return ok
	}
	return c.s.State.policies[p] != nil
}

func (c *iamCall) parseDoc(raw string) (*policy.Document, *APIError) {
	if len(raw) > 131072 {
		return nil, apiErr(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for PolicySize")
	}
	doc, err := c.s.Engine.ParsePolicy(raw)
	if err != nil {
		return nil, apiErr(http.StatusBadRequest, "MalformedPolicyDocument", "%s", err.Error())
	}
	return doc, nil
}

type policyView struct {
	arn, id, name, path, desc, def string
	created, updated               time.Time
	attachments, boundaries        int
	tags                           []Tag
	builtin                        bool
}

func (c *iamCall) writePolicy(name string, p policyView) {
	c.out.open(name)
	c.out.elem("PolicyName", p.name)
	c.out.elem("PolicyId", p.id)
	c.out.elem("Arn", p.arn)
	c.out.elem("Path", p.path)
	c.out.elem("DefaultVersionId", p.def)
	c.out.elem("AttachmentCount", strconv.Itoa(p.attachments))
	c.out.elem("PermissionsBoundaryUsageCount", strconv.Itoa(p.boundaries))
	c.out.bool("IsAttachable", true)
	c.out.opt("Description", p.desc)
	c.out.time("CreateDate", p.created)
	c.out.time("UpdateDate", p.updated)
	if len(p.tags) > 0 && name != "member" {
		c.out.tags("Tags", p.tags)
	}
	c.out.close(name)
}

// usageLocked counts attachments and boundary uses of a policy.
func (c *iamCall) usageLocked(p arn.ARN) (attachments, boundaries int) {
	st := c.s.State
	count := func(list []arn.ARN, b arn.ARN) {
		if slices.Contains(list, p) {
			attachments++
		}
		if b == p {
			boundaries++
		}
	}
	for _, u := range st.users {
		count(u.Attached, u.Boundary)
	}
	for _, g := range st.groups {
		count(g.Attached, arn.ARN{})
	}
	for _, r := range st.roles {
		count(r.Attached, r.Boundary)
	}
	return
}

// builtinEpoch is the creation date shown for built-in policies.
var builtinEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// policyViewLocked describes a local or built-in policy.
func (c *iamCall) policyViewLocked(a arn.ARN) (policyView, bool) {
	if builtin.IsBuiltin(a) {
		if !c.policyExistsLocked(a) {
			return policyView{}, false
		}
		v := policyView{arn: a.String(), id: "ANPA" + strings.ToUpper(hexName(a.Name())), name: a.Name(), path: "/", def: "v1",
			created: builtinEpoch, updated: builtinEpoch, builtin: true,
			desc: "Astran built-in policy " + a.Name()}
		v.attachments, v.boundaries = c.usageLocked(a)
		return v, true
	}
	mp := c.s.State.policies[a]
	if mp == nil {
		return policyView{}, false
	}
	v := policyView{arn: a.String(), id: mp.ID, name: mp.Name, path: mp.Path, desc: mp.Description, def: mp.Default,
		created: mp.Created, updated: mp.Updated, tags: mp.Tags}
	v.attachments, v.boundaries = c.usageLocked(a)
	return v, true
}

func hexName(s string) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 32)
	for i := 0; i < len(s) && len(out) < 32; i++ {
		out = append(out, digits[s[i]>>4], digits[s[i]&15])
	}
	return string(out)
}

func builtinRefused(p arn.ARN) *APIError {
	return apiErr(http.StatusForbidden, "AccessDenied", "Built-in policy %s cannot be modified or deleted", p)
}

func createPolicy(c *iamCall) *APIError {
	name, path, raw, tags, e := c.createInput("policy", 128, "PolicyDocument")
	if e != nil {
		return e
	}
	a, e := c.newARN("policy", path, name, arn.Policy)
	if e != nil {
		return e
	}
	if e := c.authz("CreatePolicy", a.String(), tagContext(tags, nil)); e != nil {
		return e
	}
	doc, e := c.parseDoc(raw)
	if e != nil {
		return e
	}
	st := c.s.State
	defer c.lock(true)()
	for _, p := range st.policies {
		if strings.EqualFold(p.Name, name) {
			return exists("A policy called %s already exists. Duplicate names are not allowed.", name)
		}
	}
	now := c.s.Now().UTC()
	mp := &Policy{ARN: a, ID: RandomID("ANPA"), Name: name, Path: path, Description: c.get("Description"),
		Created: now, Updated: now, Default: "v1", Next: 2, Tags: tags,
		Versions: []*PolicyVersion{{ID: "v1", Raw: raw, Doc: doc, Created: now}}}
	st.policies[a] = mp
	v, _ := c.policyViewLocked(a)
	c.result = true
	c.writePolicy("Policy", v)
	return nil
}

// withPolicy authorizes and runs f with the policy view under the lock.
func (c *iamCall) withPolicy(action string, write bool, f func(p arn.ARN, mp *Policy) *APIError) *APIError {
	raw, e := c.required("PolicyArn")
	if e != nil {
		return e
	}
	p, e := c.policyARN(raw)
	if e != nil {
		return e
	}
	if e := c.authz(action, p.String(), nil); e != nil {
		return e
	}
	st := c.s.State
	if write && builtin.IsBuiltin(p) {
		return builtinRefused(p)
	}
	defer c.lock(write)()
	if _, ok := c.policyViewLocked(p); !ok {
		return noSuch("Policy %s does not exist or is not attachable.", p)
	}
	return f(p, st.policies[p])
}

func getPolicy(c *iamCall) *APIError {
	return c.withPolicy("GetPolicy", false, func(p arn.ARN, _ *Policy) *APIError {
		v, _ := c.policyViewLocked(p)
		c.result = true
		c.writePolicy("Policy", v)
		return nil
	})
}

func deletePolicy(c *iamCall) *APIError {
	return c.withPolicy("DeletePolicy", true, func(p arn.ARN, mp *Policy) *APIError {
		if n, b := c.usageLocked(p); n > 0 || b > 0 {
			return conflict("Cannot delete a policy attached to entities.")
		}
		if len(mp.Versions) > 1 {
			return conflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		delete(c.s.State.policies, p)
		return nil
	})
}

func listPolicies(c *iamCall) *APIError {
	if e := c.authz("ListPolicies", c.listARN("policy"), nil); e != nil {
		return e
	}
	scope := c.get("Scope")
	if scope == "" {
		scope = "All"
	}
	if scope != "All" && scope != "AWS" && scope != "Local" {
		return apiErr(http.StatusBadRequest, "ValidationError", "Scope must be All, AWS or Local")
	}
	onlyAttached := c.get("OnlyAttached") == "true"
	prefix := c.get("PathPrefix")
	st := c.s.State
	st.mu.RLock()
	var views []policyView
	if scope != "Local" {
		for _, n := range builtin.PolicyNames() {
			if v, ok := c.policyViewLocked(builtin.PolicyARN(n)); ok {
				views = append(views, v)
			}
		}
	}
	if scope != "AWS" {
		for _, mp := range st.policies {
			if v, ok := c.policyViewLocked(mp.ARN); ok {
				views = append(views, v)
			}
		}
	}
	st.mu.RUnlock()
	views = slices.DeleteFunc(views, func(v policyView) bool {
		return (onlyAttached && v.attachments == 0) || !strings.HasPrefix(v.path, prefix)
	})
	sort.Slice(views, func(i, j int) bool { return views[i].arn < views[j].arn })
	return writePage(c, "Policies", views, func(v policyView) string { return v.arn }, func(v *policyView) { c.writePolicy("member", *v) })
}

func (c *iamCall) writeVersion(name string, v *PolicyVersion, def bool, withDoc bool) {
	c.out.open(name)
	if withDoc {
		c.out.elem("Document", encodeDoc(v.Raw))
	}
	c.out.elem("VersionId", v.ID)
	c.out.bool("IsDefaultVersion", def)
	c.out.time("CreateDate", v.Created)
	c.out.close(name)
}

func createPolicyVersion(c *iamCall) *APIError {
	raw, e := c.required("PolicyDocument")
	if e != nil {
		return e
	}
	var doc *policy.Document
	return c.withPolicy("CreatePolicyVersion", true, func(p arn.ARN, mp *Policy) *APIError {
		if doc == nil {
			var e *APIError
			if doc, e = c.parseDoc(raw); e != nil {
				return e
			}
		}
		if len(mp.Versions) >= MaxPolicyVersions {
			return apiErr(http.StatusConflict, "LimitExceeded", "A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", MaxPolicyVersions)
		}
		now := c.s.Now().UTC()
		v := &PolicyVersion{ID: "v" + strconv.Itoa(mp.Next), Raw: raw, Doc: doc, Created: now}
		mp.Next++
		mp.Versions = append(mp.Versions, v)
		def := c.get("SetAsDefault") == "true"
		if def {
			mp.Default = v.ID
			mp.Updated = now
		}
		c.result = true
		c.writeVersion("PolicyVersion", v, def, false)
		return nil
	})
}

func builtinVersion(p arn.ARN) (*PolicyVersion, bool) {
	doc, ok := builtin.Document(p.Name())
	if !ok {
		return nil, false
	}
	raw, err := doc.MarshalJSON()
	if err != nil {
		return nil, false
	}
	return &PolicyVersion{ID: "v1", Raw: string(raw), Doc: doc, Created: builtinEpoch}, true
}

// withVersion is withPolicy for a call on the policy's version named by
// VersionId: f runs with mp (nil for a built-in) and that version.
func (c *iamCall) withVersion(action string, write bool, f func(mp *Policy, v *PolicyVersion) *APIError) *APIError {
	vid, e := c.required("VersionId")
	if e != nil {
		return e
	}
	return c.withPolicy(action, write, func(p arn.ARN, mp *Policy) *APIError {
		var v *PolicyVersion
		if mp == nil {
			if b, _ := builtinVersion(p); vid == "v1" {
				v = b
			}
		} else if i := slices.IndexFunc(mp.Versions, func(v *PolicyVersion) bool { return v.ID == vid }); i >= 0 {
			v = mp.Versions[i]
		}
		if v == nil {
			return noSuch("Policy %s version %s does not exist.", p, vid)
		}
		return f(mp, v)
	})
}

func getPolicyVersion(c *iamCall) *APIError {
	return c.withVersion("GetPolicyVersion", false, func(mp *Policy, v *PolicyVersion) *APIError {
		c.result = true
		c.writeVersion("PolicyVersion", v, mp == nil || v.ID == mp.Default, true)
		return nil
	})
}

func listPolicyVersions(c *iamCall) *APIError {
	return c.withPolicy("ListPolicyVersions", false, func(p arn.ARN, mp *Policy) *APIError {
		var vs []*PolicyVersion
		def := "v1"
		if mp == nil {
			v, _ := builtinVersion(p)
			vs = []*PolicyVersion{v}
		} else {
			vs = slices.Clone(mp.Versions)
			def = mp.Default
			slices.Reverse(vs)
		}
		c.result = true
		c.out.open("Versions")
		for _, v := range vs {
			c.writeVersion("member", v, v.ID == def, false)
		}
		c.out.close("Versions")
		c.out.bool("IsTruncated", false)
		return nil
	})
}

func deletePolicyVersion(c *iamCall) *APIError {
	return c.withVersion("DeletePolicyVersion", true, func(mp *Policy, v *PolicyVersion) *APIError {
		if v.ID == mp.Default {
			return conflict("Cannot delete the default version of a policy.")
		}
		mp.Versions = slices.DeleteFunc(mp.Versions, func(x *PolicyVersion) bool { return x == v })
		return nil
	})
}

func setDefaultPolicyVersion(c *iamCall) *APIError {
	return c.withVersion("SetDefaultPolicyVersion", true, func(mp *Policy, v *PolicyVersion) *APIError {
		mp.Default = v.ID
		mp.Updated = c.s.Now().UTC()
		return nil
	})
}

func listEntitiesForPolicy(c *iamCall) *APIError {
	return c.withPolicy("ListEntitiesForPolicy", false, func(p arn.ARN, _ *Policy) *APIError {
		st := c.s.State
		c.result = true
		writeAttachedTo(c, "group", st.groups, p)
		writeAttachedTo(c, "user", st.users, p)
		writeAttachedTo(c, "role", st.roles, p)
		c.out.bool("IsTruncated", false)
		return nil
	})
}

// writeAttachedTo writes the Policy{Kind}s element of ListEntitiesForPolicy:
// the name and ID of each entity of m, by key, that has policy p attached.
func writeAttachedTo[P entity](c *iamCall, kind string, m map[string]P, p arn.ARN) {
	title := kindTitle(kind)
	c.out.open("Policy" + title + "s")
	for _, v := range sortedValues(m) {
		if e := v.entity(); slices.Contains(e.Attached, p) {
			c.out.open("member")
			c.out.elem(title+"Name", e.Name)
			c.out.elem(title+"Id", e.ID)
			c.out.close("member")
		}
	}
	c.out.close("Policy" + title + "s")
}
