package emu

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/astran-oss/astran-go/arn"
)

// IAMNamespace is the XML namespace of IAM responses.
const IAMNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"

// MaxPolicyVersions is how many versions a managed policy keeps.
const MaxPolicyVersions = 5

type iamCall struct {
	s      *Services
	ctx    context.Context
	r      *http.Request
	form   map[string][]string
	caller Caller
	out    xw
	result bool // whether out holds a Result body
}

func (c *iamCall) get(k string) string { return formValue(c.form, k) }

// formValue returns the first value of form[k], or "".
func formValue(form map[string][]string, k string) string {
	if v := form[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (c *iamCall) required(k string) (string, *APIError) {
	v := c.get(k)
	if v == "" {
		return "", apiErr(http.StatusBadRequest, "ValidationError", "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(k))
	}
	return v, nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// members returns the values of "{prefix}.member.N".
func (c *iamCall) members(prefix string) []string {
	var out []string
	for i := 1; i <= 1000; i++ {
		v, ok := c.form[prefix+".member."+strconv.Itoa(i)]
		if !ok {
			break
		}
		out = append(out, v[0])
	}
	return out
}

func (c *iamCall) tags() ([]Tag, *APIError) {
	var out []Tag
	for i := 1; i <= 50; i++ {
		p := "Tags.member." + strconv.Itoa(i)
		k, ok := c.form[p+".Key"]
		if !ok {
			break
		}
		if k[0] == "" {
			return nil, invalidInput("tag key must not be empty")
		}
		out = append(out, Tag{Key: k[0], Value: c.get(p + ".Value")})
	}
	return out, nil
}

// boundaryContext returns the request's PermissionsBoundary and the
// condition context of a Create call with tags and that boundary.
func (c *iamCall) boundaryContext(tags []Tag) (boundary string, ctx map[string][]string) {
	boundary = c.get("PermissionsBoundary")
	if boundary != "" {
		ctx = map[string][]string{"iam:PermissionsBoundary": {boundary}}
	}
	return boundary, tagContext(tags, ctx)
}

func tagContext(tags []Tag, ctx map[string][]string) map[string][]string {
	if len(tags) == 0 {
		return ctx
	}
	if ctx == nil {
		ctx = map[string][]string{}
	}
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		ctx["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys = append(keys, t.Key)
	}
	ctx["aws:TagKeys"] = keys
	return ctx
}

func (c *iamCall) authz(action, resource string, ctx map[string][]string) *APIError {
	return c.s.authorize(c.r, c.caller, "iam:"+action, resource, ctx)
}

func (c *iamCall) arnOf(kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:" + c.s.State.Partition + ":iam::" + c.s.State.Account + ":" + kind + path + name
}

func (c *iamCall) listARN(kind string) string {
	return "arn:" + c.s.State.Partition + ":iam::" + c.s.State.Account + ":" + kind + "/*"
}

func validPath(p string) (string, *APIError) {
	if p == "" {
		return "/", nil
	}
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || len(p) > 512 {
		return "", apiErr(http.StatusBadRequest, "ValidationError", "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	}
	return p, nil
}

func validName(kind, n string, max int) *APIError {
	if n == "" || len(n) > max {
		return apiErr(http.StatusBadRequest, "ValidationError", "The specified value for %sName is invalid.", kind)
	}
	for i := 0; i < len(n); i++ {
		b := n[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("+=,.@_-", b) >= 0) {
			return apiErr(http.StatusBadRequest, "ValidationError", "The specified value for %sName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-", kind)
		}
	}
	return nil
}

// page applies Marker/MaxItems to items sorted by key.
func page[T any](c *iamCall, items []T, key func(T) string) ([]T, string, *APIError) {
	max := 100
	if m := c.get("MaxItems"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > 1000 {
			return nil, "", apiErr(http.StatusBadRequest, "ValidationError", "MaxItems must be between 1 and 1000")
		}
		max = n
	}
	start := 0
	if m := c.get("Marker"); m != "" {
		k, err := base64.RawURLEncoding.DecodeString(m)
		if err != nil {
			return nil, "", invalidInput("Invalid Marker")
		}
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) >= string(k) })
	}
	items = items[start:]
	if len(items) > max {
		return items[:max], base64.RawURLEncoding.EncodeToString([]byte(key(items[max]))), nil
	}
	return items, "", nil
}

// writePage writes, inside a wrapper element, the page of items (sorted by
// key) that the request's Marker and MaxItems select, each with write, then
// IsTruncated and the next Marker.
func writePage[T any](c *iamCall, wrapper string, items []T, key func(T) string, write func(*T)) *APIError {
	pg, next, e := page(c, items, key)
	if e != nil {
		return e
	}
	c.result = true
	c.out.open(wrapper)
	for i := range pg {
		write(&pg[i])
	}
	c.out.close(wrapper)
	c.truncated(next)
	return nil
}

// listByPath answers a List{Users,Groups,Roles} call on m: the entities whose
// path starts with PathPrefix, paged by lower-case name, each written with
// write as a member of wrapper.
func listByPath[T any](c *iamCall, action, kind, wrapper string, m map[string]*T, path, name func(*T) string, write func(string, *T)) *APIError {
	if e := c.authz(action, c.listARN(kind), nil); e != nil {
		return e
	}
	st := c.s.State
	st.mu.RLock()
	prefix := c.get("PathPrefix")
	var items []T
	for _, v := range sortedValues(m) {
		if strings.HasPrefix(path(v), prefix) {
			items = append(items, *v)
		}
	}
	st.mu.RUnlock()
	return writePage(c, wrapper, items, func(v T) string { return strings.ToLower(name(&v)) }, func(v *T) { write("member", v) })
}

// sortedPage writes the page of strings (sorted here) that the request selects; see [writePage].
func sortedPage(c *iamCall, wrapper string, items []string, write func(string)) *APIError {
	sort.Strings(items)
	return writePage(c, wrapper, items, func(s string) string { return s }, func(s *string) { write(*s) })
}

func (c *iamCall) truncated(next string) {
	c.out.bool("IsTruncated", next != "")
	c.out.opt("Marker", next)
}

func encodeDoc(raw string) string {
	return strings.ReplaceAll(url.QueryEscape(raw), "+", "%20")
}

// ServeIAM handles the IAM Query API.
func (s *Services) ServeIAM(w http.ResponseWriter, r *http.Request) {
	reqID := RandomID("")
	form, hash, aerr := readForm(w, r)
	if aerr != nil {
		queryError(w, IAMNamespace, aerr, reqID)
		return
	}
	caller, err := s.authenticate(r, hash, false)
	if err != nil {
		queryError(w, IAMNamespace, authError(err), reqID)
		return
	}
	c := &iamCall{s: s, ctx: r.Context(), r: r, form: form, caller: caller}
	action := c.get("Action")
	op, ok := iamOps[action]
	if !ok {
		queryError(w, IAMNamespace, apiErr(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version 2010-05-08", action), reqID)
		return
	}
	if aerr := op(c); aerr != nil {
		queryError(w, IAMNamespace, aerr, reqID)
		return
	}
	var x xw
	x.b.WriteString(`<` + action + `Response xmlns="` + IAMNamespace + `">`)
	if c.result {
		x.open(action + "Result")
		x.b.WriteString(c.out.b.String())
		x.close(action + "Result")
	}
	x.open("ResponseMetadata")
	x.elem("RequestId", reqID)
	x.close("ResponseMetadata")
	x.close(action + "Response")
	writeXML(w, http.StatusOK, x.b.String())
}

type iamOp func(c *iamCall) *APIError

var iamOps map[string]iamOp

func init() {
	iamOps = map[string]iamOp{
		"CreateUser": createUser, "GetUser": getUser, "ListUsers": listUsers, "DeleteUser": deleteUser,
		"TagUser": tagUser, "UntagUser": untag("user"), "ListUserTags": listTags("user"),
		"PutUserPermissionsBoundary": putBoundary("user"), "DeleteUserPermissionsBoundary": deleteBoundary("user"),
		"CreateAccessKey": createAccessKey, "ListAccessKeys": listAccessKeys, "DeleteAccessKey": deleteAccessKey,
		"UpdateAccessKey": updateAccessKey, "GetAccessKeyLastUsed": getAccessKeyLastUsed, "GetLoginProfile": loginProfile("GetLoginProfile"),
		"DeleteLoginProfile": loginProfile("DeleteLoginProfile"),
		"CreateGroup":        createGroup, "GetGroup": getGroup, "ListGroups": listGroups, "DeleteGroup": deleteGroup,
		"AddUserToGroup": addUserToGroup, "RemoveUserFromGroup": removeUserFromGroup, "ListGroupsForUser": listGroupsForUser,
		"AttachUserPolicy": attach("user"), "DetachUserPolicy": detach("user"), "ListAttachedUserPolicies": listAttached("user"),
		"AttachGroupPolicy": attach("group"), "DetachGroupPolicy": detach("group"), "ListAttachedGroupPolicies": listAttached("group"),
		"AttachRolePolicy": attach("role"), "DetachRolePolicy": detach("role"), "ListAttachedRolePolicies": listAttached("role"),
		"PutUserPolicy": putInline("user"), "GetUserPolicy": getInline("user"), "DeleteUserPolicy": deleteInline("user"), "ListUserPolicies": listInline("user"),
		"PutGroupPolicy": putInline("group"), "GetGroupPolicy": getInline("group"), "DeleteGroupPolicy": deleteInline("group"), "ListGroupPolicies": listInline("group"),
		"PutRolePolicy": putInline("role"), "GetRolePolicy": getInline("role"), "DeleteRolePolicy": deleteInline("role"), "ListRolePolicies": listInline("role"),
		"CreatePolicy": createPolicy, "GetPolicy": getPolicy, "DeletePolicy": deletePolicy, "ListPolicies": listPolicies,
		"CreatePolicyVersion": createPolicyVersion, "GetPolicyVersion": getPolicyVersion, "ListPolicyVersions": listPolicyVersions,
		"DeletePolicyVersion": deletePolicyVersion, "SetDefaultPolicyVersion": setDefaultPolicyVersion,
		"ListEntitiesForPolicy": listEntitiesForPolicy,
		"CreateRole":            createRole, "GetRole": getRole, "ListRoles": listRoles, "DeleteRole": deleteRole,
		"UpdateAssumeRolePolicy": updateAssumeRolePolicy, "TagRole": tagRole, "UntagRole": untag("role"), "ListRoleTags": listTags("role"),
		"PutRolePermissionsBoundary": putBoundary("role"), "DeleteRolePermissionsBoundary": deleteBoundary("role"),
		"CreateOpenIDConnectProvider": createOIDCProvider, "GetOpenIDConnectProvider": getOIDCProvider,
		"ListOpenIDConnectProviders": listOIDCProviders, "DeleteOpenIDConnectProvider": deleteOIDCProvider,
		"AddClientIDToOpenIDConnectProvider": addClientID, "RemoveClientIDFromOpenIDConnectProvider": removeClientID,
		"UpdateOpenIDConnectProviderThumbprint": updateThumbprint,
	}
}

// ---- users ----

func (c *iamCall) writeUser(name string, u *User) {
	c.out.open(name)
	c.out.elem("Path", u.Path)
	c.out.elem("UserName", u.Name)
	c.out.elem("UserId", u.ID)
	c.out.elem("Arn", u.ARN.String())
	c.out.time("CreateDate", u.Created)
	c.closeEntity(name, u.Boundary, u.Tags)
}

// closeEntity ends the User or Role element name: its PermissionsBoundary
// when it has one, its Tags unless it is a list member, and the closing tag.
func (c *iamCall) closeEntity(name, boundary string, tags []Tag) {
	if boundary != "" {
		c.out.open("PermissionsBoundary")
		c.out.elem("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
		c.out.elem("PermissionsBoundaryArn", boundary)
		c.out.close("PermissionsBoundary")
	}
	if len(tags) > 0 && name != "member" {
		c.out.tags("Tags", tags)
	}
	c.out.close(name)
}

// policyExistsLocked reports whether a managed policy ARN (built-in or local) exists.
func (c *iamCall) policyExistsLocked(p string) bool {
	a, err := arn.Parse(p)
	if err != nil {
		return false
	}
	if a.Account == arn.BuiltinAccount && a.Type() == arn.TypePolicy {
		_, ok := c.s.Engine.Builtin(a.Name())
		return ok
	}
	return c.s.State.policies[p] != nil
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
	a, err := arn.User(c.s.State.Partition, c.s.State.Account, path, name)
	if err != nil {
		return invalidInput("The user name %s is invalid", name)
	}
	boundary, ctx := c.boundaryContext(tags)
	if e := c.authz("CreateUser", a.String(), ctx); e != nil {
		return e
	}
	st := c.s.State
	st.mu.Lock()
	if st.users[strings.ToLower(name)] != nil {
		st.mu.Unlock()
		return exists("User with name %s already exists.", name)
	}
	if boundary != "" && !c.policyExistsLocked(boundary) {
		st.mu.Unlock()
		return noSuch("Policy %s does not exist or is not attachable.", boundary)
	}
	sub := newUUID()
	u := &User{ARN: a, ID: "AIDA" + strings.ToUpper(strings.ReplaceAll(sub, "-", "")), Subject: sub, Name: name, Path: path,
		Created: c.s.Now().UTC(), Tags: tags, Boundary: boundary, Inline: map[string]*Inline{}}
	st.users[strings.ToLower(name)] = u
	st.mu.Unlock()
	st.changed()
	_ = c.s.OIDC.AddAccount(c.s.Realm(), sub, name, c.s.UserPassword)
	if c.s.UserPassword == "" {
		c.s.sendVerification(name)
	}
	c.result = true
	c.writeUser("User", u)
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
	return listByPath(c, "ListUsers", "user", "Users", c.s.State.users,
		func(u *User) string { return u.Path }, func(u *User) string { return u.Name }, c.writeUser)
}

// withUser authorizes action on the named user and runs f under the write lock.
func (c *iamCall) withUser(action string, ctx map[string][]string, f func(u *User) *APIError) *APIError {
	return withNamed(c, "user", action, ctx, true, byName(c.s.State.users, func(u *User) arn.ARN { return u.ARN }), f)
}

// withNamed authorizes action on the kind ("user", "group" or "role") named
// by the request's {Kind}Name parameter, then runs f on what find returns for
// that name under the state lock (see [iamCall.lock]). The resource
// authorized is the entity's ARN, or the ARN it would have when it does not
// exist, in which case f is not run and the answer is NoSuchEntity.
func withNamed[T any](c *iamCall, kind, action string, ctx map[string][]string, write bool,
	find func(name string) (v T, arn string, ok bool), f func(T) *APIError) *APIError {
	name, e := c.required(kindTitle(kind) + "Name")
	if e != nil {
		return e
	}
	st := c.s.State
	st.mu.RLock()
	res := c.arnOf(kind, "/", name)
	if _, a, ok := find(name); ok {
		res = a
	}
	st.mu.RUnlock()
	if e := c.authz(action, res, ctx); e != nil {
		return e
	}
	defer c.lock(write)()
	v, _, ok := find(name)
	if !ok {
		return noSuch("The %s with name %s cannot be found.", kind, name)
	}
	return f(v)
}

// byName looks an entity up by its case-insensitive name in m (one of the
// state's maps); call it under the state lock.
func byName[T any](m map[string]*T, arnOf func(*T) arn.ARN) func(name string) (*T, string, bool) {
	return func(name string) (*T, string, bool) {
		v := m[strings.ToLower(name)]
		if v == nil {
			return nil, "", false
		}
		return v, arnOf(v).String(), true
	}
}

// lock takes the state's write lock when write is set, else its read lock,
// and returns the function that releases it; releasing the write lock also
// marks the state changed.
func (c *iamCall) lock(write bool) (unlock func()) {
	st := c.s.State
	if write {
		st.mu.Lock()
		return func() {
			st.mu.Unlock()
			st.changed()
		}
	}
	st.mu.RLock()
	return st.mu.RUnlock
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

func mergeTags(old, add []Tag) []Tag {
	out := slices.Clone(old)
	for _, t := range add {
		if i := slices.IndexFunc(out, func(x Tag) bool { return x.Key == t.Key }); i >= 0 {
			out[i] = t
		} else {
			out = append(out, t)
		}
	}
	return out
}

func removeTags(old []Tag, keys []string) []Tag {
	return slices.DeleteFunc(slices.Clone(old), func(t Tag) bool { return slices.Contains(keys, t.Key) })
}

func tagUser(c *iamCall) *APIError {
	tags, e := c.tags()
	if e != nil {
		return e
	}
	if len(tags) == 0 {
		return apiErr(http.StatusBadRequest, "ValidationError", "tags must not be empty")
	}
	return c.withUser("TagUser", tagContext(tags, nil), func(u *User) *APIError {
		if len(mergeTags(u.Tags, tags)) > 50 {
			return apiErr(http.StatusConflict, "LimitExceeded", "Cannot add more than 50 tags")
		}
		u.Tags = mergeTags(u.Tags, tags)
		return nil
	})
}

// untag answers Untag{User,Role}.
func untag(kind string) iamOp {
	return func(c *iamCall) *APIError {
		keys := c.members("TagKeys")
		return c.withEntity(kind, "Untag"+kindTitle(kind), map[string][]string{"aws:TagKeys": keys}, true, func(ref entityRef) *APIError {
			*ref.tags = removeTags(*ref.tags, keys)
			return nil
		})
	}
}

// listTags answers List{User,Role}Tags under the read lock: a read must not
// bump the state's generation (which would invalidate authorization caches).
func listTags(kind string) iamOp {
	return func(c *iamCall) *APIError {
		return c.withEntity(kind, "List"+kindTitle(kind)+"Tags", nil, false, func(ref entityRef) *APIError {
			c.result = true
			c.out.tags("Tags", *ref.tags)
			c.out.bool("IsTruncated", false)
			return nil
		})
	}
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

// ---- groups ----

func (c *iamCall) writeGroup(name string, g *Group) {
	c.out.open(name)
	c.out.elem("Path", g.Path)
	c.out.elem("GroupName", g.Name)
	c.out.elem("GroupId", g.ID)
	c.out.elem("Arn", g.ARN.String())
	c.out.time("CreateDate", g.Created)
	c.out.close(name)
}

// nameAndPath reads the {Kind}Name (checked with validName) and Path
// parameters of a Create call.
func (c *iamCall) nameAndPath(kind string, maxName int) (name, path string, e *APIError) {
	if name, e = c.required(kindTitle(kind) + "Name"); e != nil {
		return "", "", e
	}
	if e := validName(kind, name, maxName); e != nil {
		return "", "", e
	}
	if path, e = validPath(c.get("Path")); e != nil {
		return "", "", e
	}
	return name, path, nil
}

// createInput reads the parameters CreateRole and CreatePolicy share: those
// of [iamCall.nameAndPath], the document parameter docParam and Tags.
func (c *iamCall) createInput(kind string, maxName int, docParam string) (name, path, raw string, tags []Tag, e *APIError) {
	if name, path, e = c.nameAndPath(kind, maxName); e != nil {
		return "", "", "", nil, e
	}
	if raw, e = c.required(docParam); e != nil {
		return "", "", "", nil, e
	}
	if tags, e = c.tags(); e != nil {
		return "", "", "", nil, e
	}
	return name, path, raw, tags, nil
}

func createGroup(c *iamCall) *APIError {
	name, path, e := c.nameAndPath("group", 128)
	if e != nil {
		return e
	}
	a, err := arn.Group(c.s.State.Partition, c.s.State.Account, path, name)
	if err != nil {
		return invalidInput("The group name %s is invalid", name)
	}
	if e := c.authz("CreateGroup", a.String(), nil); e != nil {
		return e
	}
	st := c.s.State
	defer c.lock(true)()
	if st.groups[strings.ToLower(name)] != nil {
		return exists("Group with name %s already exists.", name)
	}
	g := &Group{ARN: a, ID: RandomID("AGPA"), Name: name, Path: path, Created: c.s.Now().UTC(), Inline: map[string]*Inline{}}
	st.groups[strings.ToLower(name)] = g
	c.result = true
	c.writeGroup("Group", g)
	return nil
}

func (c *iamCall) withGroup(action string, ctx map[string][]string, write bool, f func(g *Group) *APIError) *APIError {
	return withNamed(c, "group", action, ctx, write, byName(c.s.State.groups, func(g *Group) arn.ARN { return g.ARN }), f)
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
	return listByPath(c, "ListGroups", "group", "Groups", c.s.State.groups,
		func(g *Group) string { return g.Path }, func(g *Group) string { return g.Name }, c.writeGroup)
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

// ---- attachments ----

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

// ---- managed policies ----

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
	if a.Account == arn.BuiltinAccount && a.Type() == arn.TypePolicy {
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
			if v, ok := c.policyViewLocked("arn:" + arn.BuiltinPartition + ":iam::" + arn.BuiltinAccount + ":policy/" + n); ok {
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

// ---- access keys ----

func createAccessKey(c *iamCall) *APIError {
	return c.withUser("CreateAccessKey", nil, func(u *User) *APIError {
		n := 0
		for _, k := range c.s.State.keys {
			if k.User == strings.ToLower(u.Name) {
				n++
			}
		}
		if n >= 2 {
			return apiErr(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
		}
		k := &AccessKey{ID: "AKIA" + strings.ToUpper(RandomHex(8)), Secret: RandomSecret(), User: strings.ToLower(u.Name), Active: true, Created: c.s.Now().UTC()}
		c.s.State.keys[k.ID] = k
		c.result = true
		c.out.open("AccessKey")
		c.out.elem("UserName", u.Name)
		c.out.elem("AccessKeyId", k.ID)
		c.out.elem("Status", "Active")
		c.out.elem("SecretAccessKey", k.Secret)
		c.out.time("CreateDate", k.Created)
		c.out.close("AccessKey")
		return nil
	})
}

func listAccessKeys(c *iamCall) *APIError {
	return c.withUser("ListAccessKeys", nil, func(u *User) *APIError {
		var keys []*AccessKey
		for _, k := range sortedValues(c.s.State.keys) {
			if k.User == strings.ToLower(u.Name) {
				keys = append(keys, k)
			}
		}
		c.result = true
		c.out.open("AccessKeyMetadata")
		for _, k := range keys {
			c.out.open("member")
			c.out.elem("UserName", u.Name)
			c.out.elem("AccessKeyId", k.ID)
			if k.Active {
				c.out.elem("Status", "Active")
			} else {
				c.out.elem("Status", "Inactive")
			}
			c.out.time("CreateDate", k.Created)
			c.out.close("member")
		}
		c.out.close("AccessKeyMetadata")
		c.out.bool("IsTruncated", false)
		return nil
	})
}

func (c *iamCall) userKeyLocked(u *User) (*AccessKey, *APIError) {
	id, e := c.required("AccessKeyId")
	if e != nil {
		return nil, e
	}
	k := c.s.State.keys[id]
	if k == nil || k.User != strings.ToLower(u.Name) {
		return nil, noSuch("The Access Key with id %s cannot be found.", id)
	}
	return k, nil
}

func deleteAccessKey(c *iamCall) *APIError {
	return c.withUser("DeleteAccessKey", nil, func(u *User) *APIError {
		k, e := c.userKeyLocked(u)
		if e != nil {
			return e
		}
		delete(c.s.State.keys, k.ID)
		return nil
	})
}

func updateAccessKey(c *iamCall) *APIError {
	status := c.get("Status")
	if status != "Active" && status != "Inactive" {
		return apiErr(http.StatusBadRequest, "ValidationError", "Status must be Active or Inactive")
	}
	return c.withUser("UpdateAccessKey", nil, func(u *User) *APIError {
		k, e := c.userKeyLocked(u)
		if e != nil {
			return e
		}
		k.Active = status == "Active"
		return nil
	})
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

func getAccessKeyLastUsed(c *iamCall) *APIError {
	id, e := c.required("AccessKeyId")
	if e != nil {
		return e
	}
	k, ok := c.s.State.AccessKey(id)
	res := c.listARN("user")
	var name string
	if ok {
		if u, found := c.s.State.User(k.User); found {
			res, name = u.ARN.String(), u.Name
		}
	}
	if e := c.authz("GetAccessKeyLastUsed", res, nil); e != nil {
		return e
	}
	if !ok || name == "" {
		return noSuch("The Access Key with id %s cannot be found.", id)
	}
	c.result = true
	c.out.elem("UserName", name)
	c.out.open("AccessKeyLastUsed")
	if k.LastUsed.IsZero() {
		c.out.elem("ServiceName", "N/A")
		c.out.elem("Region", "N/A")
	} else {
		c.out.time("LastUsedDate", k.LastUsed)
		c.out.elem("ServiceName", k.LastService)
		c.out.elem("Region", k.LastRegion)
	}
	c.out.close("AccessKeyLastUsed")
	return nil
}
