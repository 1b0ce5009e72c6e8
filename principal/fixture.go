package principal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"
)

// maxFixtureSize bounds fixture files (16 MiB).
const maxFixtureSize = 16 << 20

// FixtureError reports an invalid fixture. Path locates the offending
// value ("users[2].groups[0]"), empty for file-level problems. It matches
// [ErrInvalid] and unwraps to its cause.
type FixtureError struct {
	File string // the file name, or the name given to ApplyFixture
	Path string
	Err  error
}

// Error implements the error interface.
func (e *FixtureError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("principal: fixture %s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("principal: fixture %s: %s: %v", e.File, e.Path, e.Err)
}

// Unwrap returns [ErrInvalid] and the cause.
func (e *FixtureError) Unwrap() []error { return []error{ErrInvalid, e.Err} }

// The JSON shape of a fixture; see [MemoryStore.ApplyFixture].
type fixture struct {
	Partition string            `json:"partition"`
	Account   string            `json:"account"`
	Policies  []json.RawMessage `json:"policies"`
	Groups    []json.RawMessage `json:"groups"`
	Users     []json.RawMessage `json:"users"`
	Roles     []json.RawMessage `json:"roles"`
	Sessions  []json.RawMessage `json:"sessions"`
}

type fixturePolicy struct {
	Name     string          `json:"name"`
	Path     string          `json:"path"`
	ARN      string          `json:"arn"`
	Document json.RawMessage `json:"document"`
}

// fixtureEntity holds the fields users, groups and roles share.
type fixtureEntity struct {
	Path           string                     `json:"path"`
	ID             string                     `json:"id"`
	Tags           map[string]string          `json:"tags"`
	Policies       []string                   `json:"policies"`
	InlinePolicies map[string]json.RawMessage `json:"inlinePolicies"`
}

type fixtureGroup struct {
	Name string `json:"name"`
	fixtureEntity
}

type fixtureUser struct {
	Email               string   `json:"email"`
	Groups              []string `json:"groups"`
	PermissionsBoundary string   `json:"permissionsBoundary"`
	fixtureEntity
}

type fixtureRole struct {
	Name                string          `json:"name"`
	TrustPolicy         json.RawMessage `json:"trustPolicy"`
	PermissionsBoundary string          `json:"permissionsBoundary"`
	fixtureEntity
}

type fixtureSession struct {
	AccessKeyID    string            `json:"accessKeyId"`
	Identity       string            `json:"identity"`
	Name           string            `json:"name"`
	SourceIdentity string            `json:"sourceIdentity"`
	Expiration     string            `json:"expiration"`
	Tags           map[string]string `json:"tags"`
}

// LoadFixture returns a new [MemoryStore] holding the fixture file at path
// (JSON, or YAML for .yaml and .yml files); see [MemoryStore.ApplyFixture]
// for the format.
func LoadFixture(path string) (*MemoryStore, error) {
	s := NewMemoryStore()
	if err := s.LoadFixture(path); err != nil {
		return nil, err
	}
	return s, nil
}

// LoadFixture reads the fixture file at path into s: YAML for .yaml and
// .yml files ([MemoryStore.ApplyFixtureYAML]), JSON otherwise
// ([MemoryStore.ApplyFixture]).
func (s *MemoryStore) LoadFixture(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return &FixtureError{File: path, Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFixtureSize+1))
	if err != nil {
		return &FixtureError{File: path, Err: err}
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return s.ApplyFixtureYAML(path, data)
	}
	return s.ApplyFixture(path, data)
}

// ApplyFixture adds the users, groups, roles, policies, attachments and
// sessions described by the JSON fixture data to s, replacing entities with
// the same ARN. name labels errors (usually the file name). The fixture is
// checked completely before s changes: on error s is left as it was.
//
// Decoding is strict: unknown fields, trailing data and invalid policy
// documents are errors that name the offending path. The format:
//
//	{
//	  "partition": "demo",                      // ARN partition, required with names
//	  "account": "1b7c…",                       // account of the ARNs built from names
//	  "policies": [{"name": "S3Home", "path": "/", "document": {…}}],  // or "arn" instead of name/path
//	  "groups": [{"name": "devs", "policies": ["S3Home", "AstranS3ReadOnlyAccess"],
//	              "inlinePolicies": {"NoDelete": {…}}}],
//	  "users": [{"email": "bob@astran.io", "path": "/", "id": "AIDA…", "tags": {"team": "blue"},
//	             "groups": ["devs"], "policies": ["arn:…:policy/X"], "inlinePolicies": {…},
//	             "permissionsBoundary": "S3Home"}],
//	  "roles": [{"name": "marketing", "trustPolicy": {…}, "policies": […], "tags": {…}}],
//	  "sessions": [{"accessKeyId": "ASIA…", "identity": "bob@astran.io", "name": "bob",
//	                "sourceIdentity": "", "expiration": "2030-01-01T00:00:00Z", "tags": {…}}]
//	}
//
// A policy reference is an ARN, the name of a policy in the fixture, or the
// name of a built-in policy (AstranAdmin, ...). A group reference is an ARN
// or the name of a group in the fixture. A session identity is an ARN,
// "root" (the account's root), an email address (a fixture user) or a role
// name. Optional fields: path ("/"), id (see [StableID]), tags, expiration
// (RFC 3339; none means never).
func (s *MemoryStore) ApplyFixture(name string, data []byte) error {
	tmp := NewMemoryStore()
	if err := buildFixture(tmp, name, data); err != nil {
		return err
	}
	s.merge(tmp)
	return nil
}

// merge copies everything in o into s, replacing what has the same key.
func (s *MemoryStore) merge(o *MemoryStore) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for n, a := range o.names {
		// A user or role of the same name under another path is replaced:
		// names are unique per account.
		if old, ok := s.names[n]; ok && old != a {
			delete(s.identities, old)
		}
		s.names[n] = a
	}
	maps.Copy(s.accounts, o.accounts)
	maps.Copy(s.identities, o.identities)
	maps.Copy(s.groups, o.groups)
	maps.Copy(s.members, o.members)
	maps.Copy(s.managed, o.managed)
	maps.Copy(s.attached, o.attached)
	maps.Copy(s.inline, o.inline)
	maps.Copy(s.sessions, o.sessions)
	s.changed()
}

// strictDecode decodes data into v, refusing unknown fields and trailing data.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(data, se.Offset)
			return fmt.Errorf("line %d, column %d: %w", line, col, err)
		}
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

type fixtureBuilder struct {
	s         *MemoryStore
	file      string
	partition string
	account   string
	policies  map[string]arn.ARN // fixture policy name -> ARN
	groups    map[string]arn.ARN // fixture group name -> ARN
	users     map[string]arn.ARN // fixture user email -> ARN
	roles     map[string]arn.ARN // fixture role name -> ARN
	err       error              // the first error
}

func (b *fixtureBuilder) fail(path string, err error) error {
	return &FixtureError{File: b.file, Path: path, Err: err}
}

func buildFixture(s *MemoryStore, name string, data []byte) error {
	b := &fixtureBuilder{s: s, file: name, policies: map[string]arn.ARN{}, groups: map[string]arn.ARN{}, users: map[string]arn.ARN{}, roles: map[string]arn.ARN{}}
	if len(data) > maxFixtureSize {
		return b.fail("", fmt.Errorf("larger than %d bytes", maxFixtureSize))
	}
	var f fixture
	if err := strictDecode(data, &f); err != nil {
		return b.fail("", err)
	}
	b.partition, b.account = f.Partition, f.Account
	if f.Partition != "" && f.Account != "" {
		// The fixture's account is the store's own: its root resolves.
		if err := s.PutAccount(f.Partition, f.Account); err != nil {
			return b.fail("account", err)
		}
	}
	each(b, "policies", f.Policies, b.policy)
	each(b, "groups", f.Groups, b.group)
	each(b, "users", f.Users, b.user)
	each(b, "roles", f.Roles, b.role)
	each(b, "sessions", f.Sessions, b.session)
	return b.err
}

// each decodes the entries of the fixture's section strictly, each into a
// T, and adds them in order with add, unless an earlier step failed. The
// first error is kept in b.err.
func each[T any](b *fixtureBuilder, section string, entries []json.RawMessage, add func(path string, v T) error) {
	for i, raw := range entries {
		if b.err != nil {
			return
		}
		path := fmt.Sprintf("%s[%d]", section, i)
		var v T
		if err := strictDecode(raw, &v); err != nil {
			b.err = b.fail(path, err)
		} else {
			b.err = add(path, v)
		}
	}
}

// needAccount checks that names can be turned into ARNs.
func (b *fixtureBuilder) needAccount(path string) error {
	if b.partition == "" || b.account == "" {
		return b.fail(path, errors.New(`"partition" and "account" are required to build ARNs from names`))
	}
	return nil
}

func parseDoc(raw json.RawMessage) (*policy.Document, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, errors.New("missing document")
	}
	return policy.Parse(raw)
}

func (b *fixtureBuilder) policy(path string, fp fixturePolicy) error {
	var pa arn.ARN
	var err error
	switch {
	case fp.ARN != "" && (fp.Name != "" || fp.Path != ""):
		return b.fail(path, errors.New(`give either "arn" or "name" and "path"`))
	case fp.ARN != "":
		if pa, err = arn.Parse(fp.ARN); err != nil {
			return b.fail(path+".arn", err)
		}
		if pa.Type() != arn.TypePolicy {
			return b.fail(path+".arn", fmt.Errorf("%s is not a policy ARN", pa))
		}
	default:
		if err := b.needAccount(path); err != nil {
			return err
		}
		if pa, err = arn.Policy(b.partition, b.account, fp.Path, fp.Name); err != nil {
			return b.fail(path+".name", err)
		}
	}
	if _, dup := b.policies[pa.Name()]; dup {
		return b.fail(path, fmt.Errorf("duplicate policy %q", pa.Name()))
	}
	doc, err := parseDoc(fp.Document)
	if err != nil {
		return b.fail(path+".document", err)
	}
	if err := b.s.PutPolicy(pa, doc); err != nil {
		return b.fail(path, err)
	}
	b.policies[pa.Name()] = pa
	return nil
}

// policyRef resolves a policy reference: ARN, fixture name or built-in name.
func (b *fixtureBuilder) policyRef(path, ref string) (arn.ARN, error) {
	if strings.HasPrefix(ref, "arn:") {
		a, err := arn.Parse(ref)
		if err != nil {
			return arn.ARN{}, b.fail(path, err)
		}
		if _, err := b.s.ManagedPolicy(context.Background(), a); err != nil {
			return arn.ARN{}, b.fail(path, err)
		}
		return a, nil
	}
	if a, ok := b.policies[ref]; ok {
		return a, nil
	}
	if _, ok := builtin.Document(ref); ok {
		return builtin.PolicyARN(ref), nil
	}
	return arn.ARN{}, b.fail(path, fmt.Errorf("unknown policy %q: %w", ref, ErrNotFound))
}

// attach attaches policies and inline policies to entity.
func (b *fixtureBuilder) attach(path string, entity arn.ARN, refs []string, inline map[string]json.RawMessage) error {
	for i, ref := range refs {
		p := fmt.Sprintf("%s.policies[%d]", path, i)
		pa, err := b.policyRef(p, ref)
		if err != nil {
			return err
		}
		if err := b.s.AttachPolicy(entity, pa); err != nil {
			return b.fail(p, err)
		}
	}
	names := slices.Collect(maps.Keys(inline))
	sort.Strings(names)
	for _, name := range names {
		p := fmt.Sprintf("%s.inlinePolicies[%q]", path, name)
		doc, err := parseDoc(inline[name])
		if err != nil {
			return b.fail(p, err)
		}
		if err := b.s.PutInlinePolicy(entity, name, doc); err != nil {
			return b.fail(p, err)
		}
	}
	return nil
}

func (b *fixtureBuilder) group(path string, fg fixtureGroup) error {
	if err := b.needAccount(path); err != nil {
		return err
	}
	ga, err := arn.Group(b.partition, b.account, fg.Path, fg.Name)
	if err != nil {
		return b.fail(path+".name", err)
	}
	if _, dup := b.groups[fg.Name]; dup {
		return b.fail(path+".name", fmt.Errorf("duplicate group %q", fg.Name))
	}
	if err := b.s.PutGroup(Group{ARN: ga, ID: fg.ID}); err != nil {
		return b.fail(path, err)
	}
	b.groups[fg.Name] = ga
	return b.attach(path, ga, fg.Policies, fg.InlinePolicies)
}

func (b *fixtureBuilder) boundary(path, ref string) (arn.ARN, error) {
	if ref == "" {
		return arn.ARN{}, nil
	}
	return b.policyRef(path, ref)
}

// newIdentity builds, with build (arn.User or arn.Role), the ARN of the
// user or role at path whose IAM path is iamPath and whose name, in field,
// is name; no identity may have it yet.
func (b *fixtureBuilder) newIdentity(path, field, kind string, build func(partition, account, path, name string) (arn.ARN, error), iamPath, name string) (arn.ARN, error) {
	if err := b.needAccount(path); err != nil {
		return arn.ARN{}, err
	}
	a, err := build(b.partition, b.account, iamPath, name)
	if err != nil {
		return arn.ARN{}, b.fail(field, err)
	}
	if _, err := b.s.Identity(context.Background(), a); err == nil {
		return arn.ARN{}, b.fail(field, fmt.Errorf("duplicate %s %q", kind, name))
	}
	return a, nil
}

func (b *fixtureBuilder) user(path string, fu fixtureUser) error {
	ua, err := b.newIdentity(path, path+".email", "user", arn.User, fu.Path, fu.Email)
	if err != nil {
		return err
	}
	pb, err := b.boundary(path+".permissionsBoundary", fu.PermissionsBoundary)
	if err != nil {
		return err
	}
	if err := b.s.PutUser(Identity{ARN: ua, ID: fu.ID, Tags: fu.Tags, PermissionsBoundary: pb}); err != nil {
		return b.fail(path, err)
	}
	b.users[fu.Email] = ua
	for i, g := range fu.Groups {
		p := fmt.Sprintf("%s.groups[%d]", path, i)
		ga, ok := b.groups[g]
		if !ok {
			if ga, err = arn.Parse(g); err != nil {
				return b.fail(p, fmt.Errorf("unknown group %q: %w", g, ErrNotFound))
			}
		}
		if err := b.s.AddUserToGroup(ua, ga); err != nil {
			return b.fail(p, err)
		}
	}
	return b.attach(path, ua, fu.Policies, fu.InlinePolicies)
}

func (b *fixtureBuilder) role(path string, fr fixtureRole) error {
	ra, err := b.newIdentity(path, path+".name", "role", arn.Role, fr.Path, fr.Name)
	if err != nil {
		return err
	}
	var trust *policy.Document
	if len(fr.TrustPolicy) > 0 {
		if trust, err = parseDoc(fr.TrustPolicy); err != nil {
			return b.fail(path+".trustPolicy", err)
		}
	}
	pb, err := b.boundary(path+".permissionsBoundary", fr.PermissionsBoundary)
	if err != nil {
		return err
	}
	if err := b.s.PutRole(Identity{ARN: ra, ID: fr.ID, Tags: fr.Tags, TrustPolicy: trust, PermissionsBoundary: pb}); err != nil {
		return b.fail(path, err)
	}
	b.roles[fr.Name] = ra
	return b.attach(path, ra, fr.Policies, fr.InlinePolicies)
}

func (b *fixtureBuilder) session(path string, fs fixtureSession) error {
	var id arn.ARN
	var err error
	switch {
	case strings.HasPrefix(fs.Identity, "arn:"):
		if id, err = arn.Parse(fs.Identity); err != nil {
			return b.fail(path+".identity", err)
		}
	case fs.Identity == "":
		return b.fail(path+".identity", errors.New("missing identity"))
	default:
		if err := b.needAccount(path); err != nil {
			return err
		}
		switch {
		case fs.Identity == "root":
			id, err = arn.Root(b.partition, b.account)
		case b.users[fs.Identity] != (arn.ARN{}):
			id = b.users[fs.Identity]
		case b.roles[fs.Identity] != (arn.ARN{}):
			id = b.roles[fs.Identity]
		case strings.Contains(fs.Identity, "@"):
			id, err = arn.User(b.partition, b.account, "", fs.Identity)
		default:
			id, err = arn.Role(b.partition, b.account, "", fs.Identity)
		}
		if err != nil {
			return b.fail(path+".identity", err)
		}
	}
	ses := Session{AccessKeyID: fs.AccessKeyID, Identity: id, Name: fs.Name, SourceIdentity: fs.SourceIdentity, Tags: fs.Tags}
	if fs.Expiration != "" {
		if ses.Expiration, err = time.Parse(time.RFC3339, fs.Expiration); err != nil {
			return b.fail(path+".expiration", err)
		}
	}
	if _, err := b.s.Session(context.Background(), fs.AccessKeyID); err == nil {
		return b.fail(path+".accessKeyId", fmt.Errorf("duplicate session %q", fs.AccessKeyID))
	}
	if err := b.s.PutSession(ses); err != nil {
		return b.fail(path, err)
	}
	return nil
}
