package emu

import (
	"context"
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/astran-oss/astran-go/arn"
)

// IAMNamespace is the XML namespace of IAM responses.
const IAMNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"

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

// listByPath answers a List{Users,Groups,Roles} call on m, the state's map
// of that kind: the entities whose path starts with PathPrefix, paged by
// lower-case name, each written with write as a member.
func listByPath[T any, P interface {
	*T
	entity
}](c *iamCall, kind string, m map[string]P, write func(string, P)) *APIError {
	wrapper := kindTitle(kind) + "s"
	if e := c.authz("List"+wrapper, c.listARN(kind), nil); e != nil {
		return e
	}
	st := c.s.State
	st.mu.RLock()
	prefix := c.get("PathPrefix")
	var items []T
	for _, v := range sortedValues(m) {
		if strings.HasPrefix(v.entity().Path, prefix) {
			items = append(items, *v)
		}
	}
	st.mu.RUnlock()
	return writePage(c, wrapper, items, func(v T) string { return strings.ToLower(P(&v).entity().Name) }, func(v *T) { write("member", P(v)) })
}

// openEntity opens element name of a user, group or role and writes what
// they share: Path, {Kind}Name, {Kind}Id, Arn and CreateDate.
func (c *iamCall) openEntity(name, kind string, e *Entity) {
	title := kindTitle(kind)
	c.out.open(name)
	c.out.elem("Path", e.Path)
	c.out.elem(title+"Name", e.Name)
	c.out.elem(title+"Id", e.ID)
	c.out.elem("Arn", e.ARN.String())
	c.out.time("CreateDate", e.Created)
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
		"TagUser": tag("user"), "UntagUser": untag("user"), "ListUserTags": listTags("user"),
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
		"UpdateAssumeRolePolicy": updateAssumeRolePolicy, "TagRole": tag("role"), "UntagRole": untag("role"), "ListRoleTags": listTags("role"),
		"PutRolePermissionsBoundary": putBoundary("role"), "DeleteRolePermissionsBoundary": deleteBoundary("role"),
		"CreateOpenIDConnectProvider": createOIDCProvider, "GetOpenIDConnectProvider": getOIDCProvider,
		"ListOpenIDConnectProviders": listOIDCProviders, "DeleteOpenIDConnectProvider": deleteOIDCProvider,
		"AddClientIDToOpenIDConnectProvider": addClientID, "RemoveClientIDFromOpenIDConnectProvider": removeClientID,
		"UpdateOpenIDConnectProviderThumbprint": updateThumbprint,
	}
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
func byName[P entity](m map[string]P) func(name string) (P, string, bool) {
	return func(name string) (P, string, bool) {
		v, ok := m[strings.ToLower(name)]
		if !ok {
			return v, "", false
		}
		return v, v.entity().ARN.String(), true
	}
}

// addEntity stores v, the new entity of kind ("user", "group" or "role"),
// in m (one of the state's maps) under its case-insensitive name and writes
// it as the result, unless that name is taken (EntityAlreadyExists) or
// boundary, when valid, names no existing policy (NoSuchEntity). Call it
// under the write lock.
func addEntity[P entity](c *iamCall, kind string, m map[string]P, v P, boundary arn.ARN, write func(name string, v P)) *APIError {
	name := v.entity().Name
	if _, ok := m[strings.ToLower(name)]; ok {
		return exists("%s with name %s already exists.", kindTitle(kind), name)
	}
	if boundary.IsValid() && !c.policyExistsLocked(boundary) {
		return noSuch("Policy %s does not exist or is not attachable.", boundary)
	}
	m[strings.ToLower(name)] = v
	c.result = true
	write(kindTitle(kind), v)
	return nil
}

// newARN builds, with mk (arn.User, arn.Role, …), the ARN of a new entity of
// kind named name at path.
func (c *iamCall) newARN(kind, path, name string, mk func(partition, account, path, name string) (arn.ARN, error)) (arn.ARN, *APIError) {
	a, err := mk(c.s.State.Partition, c.s.State.Account, path, name)
	if err != nil {
		return arn.ARN{}, invalidInput("The %s name %s is invalid", kind, name)
	}
	return a, nil
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
