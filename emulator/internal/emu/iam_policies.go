package emu

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
)

// MaxPolicyVersions is how many versions a managed policy keeps.
const MaxPolicyVersions = 5

func encodeDoc(raw string) string {
	return strings.ReplaceAll(url.QueryEscape(raw), "+", "%20")
}

// policyExistsLocked reports whether a managed policy ARN (built-in or local) exists.
func (c *iamCall) policyExistsLocked(p string) bool {
	a, err := arn.Parse(p)
	if err != nil {
		return false
	}
	if a.Account == builtin.Account && a.Type() == arn.TypePolicy {
		_, ok := c.s.Engine.Builtin(a.Name())
		return ok
	}
	return c.s.State.policies[p] != nil
}

func (c *iamCall) parseDoc(raw string) (any, *APIError) {
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
func (c *iamCall) usageLocked(p string) (attachments, boundaries int) {
	st := c.s.State
	k := BuiltinKey(p)
	count := func(list []string, b string) {
		if containsPolicy(list, p) >= 0 {
			attachments++
		}
		if b != "" && BuiltinKey(b) == k {
			boundaries++
		}
	}
	for _, u := range st.users {
		count(u.Attached, u.Boundary)
	}
	for _, g := range st.groups {
		count(g.Attached, "")
	}
	for _, r := range st.roles {
		count(r.Attached, r.Boundary)
	}
	return
}

// builtinEpoch is the creation date shown for built-in policies.
var builtinEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// policyViewLocked describes a local or built-in policy.
func (c *iamCall) policyViewLocked(p string) (policyView, bool) {
	a, err := arn.Parse(p)
	if err != nil {
		return policyView{}, false
	}
	if a.Account == builtin.Account && a.Type() == arn.TypePolicy {
		if _, ok := c.s.Engine.Builtin(a.Name()); !ok {
			return policyView{}, false
		}
		v := policyView{arn: p, id: "ANPA" + strings.ToUpper(hexName(a.Name())), name: a.Name(), path: "/", def: "v1",
			created: builtinEpoch, updated: builtinEpoch, builtin: true,
			desc: "Astran built-in policy " + a.Name()}
		v.attachments, v.boundaries = c.usageLocked(p)
		return v, true
	}
	mp := c.s.State.policies[p]
	if mp == nil {
		return policyView{}, false
	}
	v := policyView{arn: p, id: mp.ID, name: mp.Name, path: mp.Path, desc: mp.Description, def: mp.Default,
		created: mp.Created, updated: mp.Updated, tags: mp.Tags}
	v.attachments, v.boundaries = c.usageLocked(p)
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

func (c *iamCall) isBuiltin(p string) bool { return strings.HasPrefix(BuiltinKey(p), "builtin:") }

func builtinRefused(p string) *APIError {
	return apiErr(http.StatusForbidden, "AccessDenied", "Built-in policy %s cannot be modified or deleted", p)
}

func createPolicy(c *iamCall) *APIError {
	name, path, raw, tags, e := c.createInput("policy", 128, "PolicyDocument")
	if e != nil {
		return e
	}
	a, err := arn.Policy(c.s.State.Partition, c.s.State.Account, path, name)
	if err != nil {
		return invalidInput("The policy name %s is invalid", name)
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
	st.policies[a.String()] = mp
	v, _ := c.policyViewLocked(a.String())
	c.result = true
	c.writePolicy("Policy", v)
	return nil
}

// withPolicy authorizes and runs f with the policy view under the lock.
func (c *iamCall) withPolicy(action string, write bool, f func(p string, mp *Policy) *APIError) *APIError {
	p, e := c.required("PolicyArn")
	if e != nil {
		return e
	}
	if !arn.IsARN(p) {
		return invalidInput("ARN %s is not valid.", p)
	}
	if e := c.authz(action, p, nil); e != nil {
		return e
	}
	st := c.s.State
	if write && c.isBuiltin(p) {
		return builtinRefused(p)
	}
	defer c.lock(write)()
	if _, ok := c.policyViewLocked(p); !ok {
		return noSuch("Policy %s does not exist or is not attachable.", p)
	}
	return f(p, st.policies[p])
}

func getPolicy(c *iamCall) *APIError {
	return c.withPolicy("GetPolicy", false, func(p string, _ *Policy) *APIError {
		v, _ := c.policyViewLocked(p)
		c.result = true
		c.writePolicy("Policy", v)
		return nil
	})
}

func deletePolicy(c *iamCall) *APIError {
	return c.withPolicy("DeletePolicy", true, func(p string, mp *Policy) *APIError {
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
		for _, n := range c.s.Engine.BuiltinNames() {
			if v, ok := c.policyViewLocked("arn:" + builtin.Partition + ":iam::" + builtin.Account + ":policy/" + n); ok {
				views = append(views, v)
			}
		}
	}
	if scope != "AWS" {
		for _, mp := range st.policies {
			if v, ok := c.policyViewLocked(mp.ARN.String()); ok {
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
	var doc any
	return c.withPolicy("CreatePolicyVersion", true, func(p string, mp *Policy) *APIError {
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

func (c *iamCall) builtinVersion(p string) (*PolicyVersion, bool) {
	a, err := arn.Parse(p)
	if err != nil {
		return nil, false
	}
	raw, ok := c.s.Engine.Builtin(a.Name())
	if !ok {
		return nil, false
	}
	return &PolicyVersion{ID: "v1", Raw: raw, Created: builtinEpoch}, true
}

func getPolicyVersion(c *iamCall) *APIError {
	vid, e := c.required("VersionId")
	if e != nil {
		return e
	}
	return c.withPolicy("GetPolicyVersion", false, func(p string, mp *Policy) *APIError {
		if mp == nil {
			v, _ := c.builtinVersion(p)
			if v == nil || vid != "v1" {
				return noSuch("Policy %s version %s does not exist.", p, vid)
			}
			c.result = true
			c.writeVersion("PolicyVersion", v, true, true)
			return nil
		}
		for _, v := range mp.Versions {
			if v.ID == vid {
				c.result = true
				c.writeVersion("PolicyVersion", v, v.ID == mp.Default, true)
				return nil
			}
		}
		return noSuch("Policy %s version %s does not exist.", p, vid)
	})
}

func listPolicyVersions(c *iamCall) *APIError {
	return c.withPolicy("ListPolicyVersions", false, func(p string, mp *Policy) *APIError {
		var vs []*PolicyVersion
		def := "v1"
		if mp == nil {
			v, _ := c.builtinVersion(p)
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
	vid, e := c.required("VersionId")
	if e != nil {
		return e
	}
	return c.withPolicy("DeletePolicyVersion", true, func(p string, mp *Policy) *APIError {
		i := slices.IndexFunc(mp.Versions, func(v *PolicyVersion) bool { return v.ID == vid })
		if i < 0 {
			return noSuch("Policy %s version %s does not exist.", p, vid)
		}
		if vid == mp.Default {
			return conflict("Cannot delete the default version of a policy.")
		}
		mp.Versions = slices.Delete(mp.Versions, i, i+1)
		return nil
	})
}

func setDefaultPolicyVersion(c *iamCall) *APIError {
	vid, e := c.required("VersionId")
	if e != nil {
		return e
	}
	return c.withPolicy("SetDefaultPolicyVersion", true, func(p string, mp *Policy) *APIError {
		if !slices.ContainsFunc(mp.Versions, func(v *PolicyVersion) bool { return v.ID == vid }) {
			return noSuch("Policy %s version %s does not exist.", p, vid)
		}
		mp.Default = vid
		mp.Updated = c.s.Now().UTC()
		return nil
	})
}

func listEntitiesForPolicy(c *iamCall) *APIError {
	return c.withPolicy("ListEntitiesForPolicy", false, func(p string, _ *Policy) *APIError {
		st := c.s.State
		c.result = true
		writeAttachedTo(c, "group", st.groups, p, func(g *Group) ([]string, string, string) { return g.Attached, g.Name, g.ID })
		writeAttachedTo(c, "user", st.users, p, func(u *User) ([]string, string, string) { return u.Attached, u.Name, u.ID })
		writeAttachedTo(c, "role", st.roles, p, func(r *Role) ([]string, string, string) { return r.Attached, r.Name, r.ID })
		c.out.bool("IsTruncated", false)
		return nil
	})
}

// writeAttachedTo writes the Policy{Kind}s element of ListEntitiesForPolicy:
// the name and ID of each entity of m, by key, that has policy p attached.
func writeAttachedTo[T any](c *iamCall, kind string, m map[string]*T, p string, fields func(*T) (attached []string, name, id string)) {
	title := kindTitle(kind)
	c.out.open("Policy" + title + "s")
	for _, v := range sortedValues(m) {
		if attached, name, id := fields(v); containsPolicy(attached, p) >= 0 {
			c.out.open("member")
			c.out.elem(title+"Name", name)
			c.out.elem(title+"Id", id)
			c.out.close("member")
		}
	}
	c.out.close("Policy" + title + "s")
}
