package emu

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
)

// APIError is an AWS-style error: HTTP status, code and message.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return "emulator: " + e.Code + ": " + e.Message }

func apiErr(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func noSuch(format string, args ...any) *APIError {
	return apiErr(http.StatusNotFound, "NoSuchEntity", format, args...)
}

func exists(format string, args ...any) *APIError {
	return apiErr(http.StatusConflict, "EntityAlreadyExists", format, args...)
}

func conflict(format string, args ...any) *APIError {
	return apiErr(http.StatusConflict, "DeleteConflict", format, args...)
}

func invalidInput(format string, args ...any) *APIError {
	return apiErr(http.StatusBadRequest, "InvalidInput", format, args...)
}

// Tag is an IAM tag.
type Tag struct{ Key, Value string }

// Entity holds what users, groups and roles have in common: their identity
// and the policies they carry.
type Entity struct {
	ARN      arn.ARN
	ID       string
	Name     string // a user's is its email
	Path     string
	Created  time.Time
	Attached []arn.ARN // canonical policy ARNs
	Inline   map[string]*Inline
}

func (e *Entity) entity() *Entity { return e }

// clone returns a copy of e that shares nothing with it.
func (e Entity) clone() Entity {
	e.Attached, e.Inline = slices.Clone(e.Attached), maps.Clone(e.Inline)
	return e
}

// entity is implemented by *User, *Group and *Role.
type entity interface{ entity() *Entity }

// User is an IAM user.
type User struct {
	Entity
	Subject  string // OIDC subject (UUID)
	Tags     []Tag
	Boundary arn.ARN // canonical policy ARN; the zero ARN means none
	Groups   []string
}

// Group is an IAM group.
type Group struct {
	Entity
	Members []string // lower-case user names
}

// Role is an IAM role.
type Role struct {
	Entity
	Description string
	MaxSession  int
	Trust       string           // the trust policy as submitted
	TrustDoc    *policy.Document // Trust, parsed
	Tags        []Tag
	Boundary    arn.ARN // canonical policy ARN; the zero ARN means none
}

// Inline is an inline policy.
type Inline struct {
	Raw string           // as submitted
	Doc *policy.Document // Raw, parsed
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	ID      string
	Raw     string           // as submitted
	Doc     *policy.Document // Raw, parsed; nil for a built-in
	Created time.Time
}

// Policy is a customer-managed policy.
type Policy struct {
	ARN         arn.ARN
	ID          string
	Name        string
	Path        string
	Description string
	Created     time.Time
	Updated     time.Time
	Versions    []*PolicyVersion // oldest first
	Default     string
	Next        int
	Tags        []Tag
}

// DefaultVersion returns the default version.
func (p *Policy) DefaultVersion() *PolicyVersion {
	for _, v := range p.Versions {
		if v.ID == p.Default {
			return v
		}
	}
	return nil
}

// OIDCProvider is an IAM OpenID Connect provider.
type OIDCProvider struct {
	ARN         arn.ARN
	URL         string
	ClientIDs   []string
	Thumbprints []string
	Created     time.Time
	Tags        []Tag
}

// Session is a set of temporary credentials.
type Session struct {
	AccessKeyID    string
	Secret         string
	Token          string
	Identity       arn.ARN // user, role or root
	Name           string
	SourceIdentity string
	Expiration     time.Time // zero: never
	Tags           map[string]string
	// Policy and PolicyARNs are the session policy (Policy and PolicyArns
	// of AssumeRoleWithWebIdentity); none when both are empty. It only
	// limits.
	Policy     *policy.Document
	PolicyARNs []arn.ARN
}

// String redacts the secrets.
func (s *Session) String() string {
	return fmt.Sprintf("Session{AccessKeyID:%s Identity:%s Expiration:%s}", s.AccessKeyID, s.Identity, s.Expiration.Format(time.RFC3339))
}

// State is the emulator's IAM and STS state. It is safe for concurrent use.
type State struct {
	Partition string
	Account   string

	gen atomic.Uint64

	mu        sync.RWMutex // guards the maps below
	users     map[string]*User
	groups    map[string]*Group
	roles     map[string]*Role
	policies  map[arn.ARN]*Policy
	providers map[string]*OIDCProvider
	sessions  map[string]*Session
	keys      map[string]*AccessKey // long-term user access keys by ID
}

// AccessKey is a user's long-term access key.
type AccessKey struct {
	ID      string
	Secret  string
	User    string // lower-case user name
	Active  bool
	Created time.Time
	// LastUsed, LastService and LastRegion record the key's last use.
	LastUsed    time.Time
	LastService string
	LastRegion  string
}

// TouchAccessKey records a use of a long-term access key.
func (s *State) TouchAccessKey(id, service, region string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k := s.keys[id]; k != nil {
		k.LastUsed, k.LastService, k.LastRegion = t, service, region
	}
}

// AccessKey returns a copy of an access key.
func (s *State) AccessKey(id string) (AccessKey, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := s.keys[id]
	if k == nil {
		return AccessKey{}, false
	}
	return *k, true
}

// NewState returns an empty state.
func NewState(partition, account string) *State {
	return &State{
		Partition: partition, Account: account,
		users: map[string]*User{}, groups: map[string]*Group{}, roles: map[string]*Role{},
		policies: map[arn.ARN]*Policy{}, providers: map[string]*OIDCProvider{}, sessions: map[string]*Session{}, keys: map[string]*AccessKey{},
	}
}

// Generation changes whenever the state changes.
func (s *State) Generation() uint64 { return s.gen.Load() }

func (s *State) changed() { s.gen.Add(1) }

// RLock locks the state for reading, for callers of the *Locked accessors.
func (s *State) RLock() { s.mu.RLock() }

// RUnlock undoes RLock.
func (s *State) RUnlock() { s.mu.RUnlock() }

// RootARN is the account's root identity.
func (s *State) RootARN() arn.ARN {
	a, _ := arn.Root(s.Partition, s.Account)
	return a
}

// RandomHex returns n random bytes hex-encoded.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RandomID returns an IAM-style ID with prefix.
func RandomID(prefix string) string { return prefix + strings.ToUpper(RandomHex(16)) }

// RandomSecret returns a 40-character secret access key.
func RandomSecret() string {
	b := make([]byte, 30)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// RandomToken returns a session token.
func RandomToken() string {
	b := make([]byte, 96)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// PutSession records a session.
func (s *State) PutSession(ses *Session) {
	s.mu.Lock()
	s.sessions[ses.AccessKeyID] = ses
	s.mu.Unlock()
	s.changed()
}

// Session returns a session by access key ID.
func (s *State) Session(akid string) (*Session, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ses, ok := s.sessions[akid]
	return ses, ok
}

// PurgeSessions removes sessions that expired before t.
func (s *State) PurgeSessions(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.sessions {
		if !v.Expiration.IsZero() && v.Expiration.Before(t) {
			delete(s.sessions, k)
		}
	}
}

// PolicyLocked returns a customer-managed policy by ARN.
func (s *State) PolicyLocked(a arn.ARN) *Policy { return s.policies[a] }

// User returns a copy of a user.
func (s *State) User(name string) (User, bool) {
	return copyOf(s, s.users, name, func(u User) User {
		u.Entity, u.Tags, u.Groups = u.Entity.clone(), slices.Clone(u.Tags), slices.Clone(u.Groups)
		return u
	})
}

// Role returns a copy of a role.
func (s *State) Role(name string) (Role, bool) {
	return copyOf(s, s.roles, name, func(r Role) Role {
		r.Entity, r.Tags = r.Entity.clone(), slices.Clone(r.Tags)
		return r
	})
}

// Group returns a copy of a group.
func (s *State) Group(name string) (Group, bool) {
	return copyOf(s, s.groups, name, func(g Group) Group {
		g.Entity, g.Members = g.Entity.clone(), slices.Clone(g.Members)
		return g
	})
}

// Entity returns a copy of what the user, group or role (by t) named name
// has in common with the others, with its policies.
func (s *State) Entity(t arn.ResourceType, name string) (Entity, bool) {
	switch t {
	case arn.TypeUser:
		return entityCopy(s, s.users, name)
	case arn.TypeGroup:
		return entityCopy(s, s.groups, name)
	case arn.TypeRole:
		return entityCopy(s, s.roles, name)
	}
	return Entity{}, false
}

func entityCopy[P entity](s *State, m map[string]P, name string) (Entity, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := m[strings.ToLower(name)]
	if !ok {
		return Entity{}, false
	}
	return v.entity().clone(), true
}

// copyOf returns, under the read lock, deep(*v) for the entry v of m (one of
// s's maps) named name, case-insensitively; deep clones what a shallow copy
// would share.
func copyOf[T any](s *State, m map[string]*T, name string, deep func(T) T) (T, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := m[strings.ToLower(name)]
	if v == nil {
		var zero T
		return zero, false
	}
	return deep(*v), true
}

// Policy returns a customer-managed policy (shared: do not modify).
func (s *State) Policy(a arn.ARN) (*Policy, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.policies[a]
	return p, p != nil
}

// ProviderByURL returns the OIDC provider registered for an issuer URL.
func (s *State) ProviderByURL(issuer string) (*OIDCProvider, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	want := trimScheme(issuer)
	for _, p := range s.providers {
		if trimScheme(p.URL) == want {
			return p, true
		}
	}
	return nil, false
}

func trimScheme(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	return strings.TrimRight(u, "/")
}

// sortedKeys returns the map's values sorted by key.
func sortedValues[T any](m map[string]T) []T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}
