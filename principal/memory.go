package principal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/internal/changelog"
	"github.com/astran-oss/astran-go/policy"
)

// maxPolicyVersions is how many versions a managed policy keeps, as in IAM.
const maxPolicyVersions = 5

// MemoryStore is an in-memory [Store] with mutation methods, for tests,
// emulators and fixtures ([LoadFixture]). It is safe for concurrent use:
// reads run in parallel, writes are serialized, and every successful write
// increments [MemoryStore.Generation].
//
// Documents passed to the store are kept, not copied: do not modify them
// afterwards. Values returned by the store must not be modified either.
//
// The zero MemoryStore is not usable; call [NewMemoryStore].
type MemoryStore struct {
	gen atomic.Uint64

	mu         sync.RWMutex                            // guards the maps below
	identities map[arn.ARN]Identity                    // users and roles
	groups     map[arn.ARN]Group                       // groups
	members    map[arn.ARN][]arn.ARN                   // user -> groups, in join order
	managed    map[arn.ARN]*managedPolicy              // customer-managed policies
	attached   map[arn.ARN][]arn.ARN                   // user, group or role -> policy ARNs, in attach order
	inline     map[arn.ARN]map[string]*policy.Document // entity -> name -> document
	sessions   map[string]Session                      // access key ID -> session
	accounts   map[account]bool                        // the store's own accounts
	names      map[entityName]arn.ARN                  // user or role by account and name
	log        changelog.Log                           // recent changes, for Changed
}

// account is a partition and account ID.
type account struct{ partition, id string }

// entityName is a user or role name within an account: IAM names are unique
// per account, whatever their paths.
type entityName struct {
	account
	typ  arn.ResourceType
	name string
}

func nameOf(a arn.ARN) entityName {
	return entityName{account{a.Partition, a.Account}, a.Type(), a.Name()}
}

type managedPolicy struct {
	versions       []policyVersion // oldest first
	defaultVersion string
	next           int // number of the next version
}

type policyVersion struct {
	id  string
	doc *policy.Document
}

func (p *managedPolicy) document() *policy.Document {
	for _, v := range p.versions {
		if v.id == p.defaultVersion {
			return v.doc
		}
	}
	return nil
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		identities: make(map[arn.ARN]Identity),
		groups:     make(map[arn.ARN]Group),
		members:    make(map[arn.ARN][]arn.ARN),
		managed:    make(map[arn.ARN]*managedPolicy),
		attached:   make(map[arn.ARN][]arn.ARN),
		inline:     make(map[arn.ARN]map[string]*policy.Document),
		sessions:   make(map[string]Session),
		accounts:   make(map[account]bool),
		names:      make(map[entityName]arn.ARN),
	}
}

// Generation implements [Store]: it increments on every successful change.
func (s *MemoryStore) Generation() uint64 { return s.gen.Load() }

// changed records a change of the entities, policies and sessions named by
// keys (see [ChangeTracker]); no keys means everything may have changed. It
// must be called with s.mu held for writing.
func (s *MemoryStore) changed(keys ...string) {
	g := s.gen.Add(1)
	if len(keys) == 0 {
		s.log.Add(g, "")
	}
	for _, k := range keys {
		s.log.Add(g, k)
	}
}

var _ ChangeTracker = (*MemoryStore)(nil)

// Changed implements [ChangeTracker]. The store remembers its last 4096
// changes.
func (s *MemoryStore) Changed(since uint64, deps map[string]bool) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.log.Changed(since, deps)
}

// Identity implements [Store]. The root ARN of one of the store's own
// accounts (see [MemoryStore.PutAccount]) resolves to an identity of kind
// [KindRoot]; any other root ARN is not found. A user or role ARN resolves
// to the user or role of that name in its account, whatever the path it is
// written with, and an STS assumed-role ARN to the role of that name; the
// identity returned has the entity's own ARN.
func (s *MemoryStore) Identity(_ context.Context, a arn.ARN) (Identity, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch a.Type() {
	case arn.TypeRoot:
		if s.accounts[account{a.Partition, a.Account}] {
			return rootIdentity(a), nil
		}
	case arn.TypeAssumedRole:
		name, _, err := assumedRoleName(a)
		if err != nil {
			return Identity{}, err
		}
		if role, ok := s.names[entityName{account{a.Partition, a.Account}, arn.TypeRole, name}]; ok {
			return s.identities[role], nil
		}
	case arn.TypeUser, arn.TypeRole:
		if e, ok := s.names[nameOf(a)]; ok {
			return s.identities[e], nil
		}
	}
	return Identity{}, notFound("identity", a.String())
}

// PutAccount makes an account one of the store's own: its root resolves
// (and is always allowed by an [Authorizer]), and built-in policies may be
// written in its partition (arn:{partition}:iam::astran:policy/{name}).
// Putting a user or role registers its account too. The root of any other
// account is an unknown caller.
func (s *MemoryStore) PutAccount(partition, accountID string) error {
	root, err := arn.Root(partition, accountID)
	if err != nil {
		return invalid("account %q in partition %q: %v", accountID, partition, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.accounts[account{partition, accountID}] {
		s.accounts[account{partition, accountID}] = true
		s.changed(root.String())
	}
	return nil
}

// ownPartitionLocked reports whether one of the store's accounts is in
// partition p. s.mu must be held.
func (s *MemoryStore) ownPartitionLocked(p string) bool {
	for a := range s.accounts {
		if a.partition == p {
			return true
		}
	}
	return false
}

func rootIdentity(a arn.ARN) Identity {
	return Identity{Kind: KindRoot, ARN: a, ID: a.Account, Name: "root", Path: "/"}
}

// Session implements [Store].
func (s *MemoryStore) Session(_ context.Context, accessKeyID string) (Session, error) {
	s.mu.RLock()
	ses, ok := s.sessions[accessKeyID]
	s.mu.RUnlock()
	if !ok {
		return Session{}, notFound("session", accessKeyID)
	}
	return ses, nil
}

// Groups implements [Store]. The result is a new slice the caller owns.
func (s *MemoryStore) Groups(_ context.Context, user arn.ARN) ([]Group, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Group
	for _, g := range s.members[user] {
		if grp, ok := s.groups[g]; ok {
			out = append(out, grp)
		}
	}
	return out, nil
}

// Policies implements [Store]. The result is a new slice the caller owns.
func (s *MemoryStore) Policies(_ context.Context, entity arn.ARN) ([]policy.Policy, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []policy.Policy
	for _, p := range s.attached[entity] {
		pol, err := s.managedLocked(p)
		if err != nil {
			return nil, fmt.Errorf("principal: policies of %s: %w", entity, err)
		}
		out = append(out, pol)
	}
	names := make([]string, 0, len(s.inline[entity]))
	for name := range s.inline[entity] {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		out = append(out, policy.Policy{ID: InlinePolicyID(entity, name), Document: s.inline[entity][name]})
	}
	return out, nil
}

// ManagedPolicy implements [Store].
func (s *MemoryStore) ManagedPolicy(_ context.Context, policyARN arn.ARN) (policy.Policy, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.managedLocked(policyARN)
}

func (s *MemoryStore) managedLocked(p arn.ARN) (policy.Policy, error) {
	if builtin.IsBuiltin(p) {
		return builtinPolicy(p, s.ownPartitionLocked)
	}
	mp, ok := s.managed[p]
	if !ok {
		return policy.Policy{}, notFound("policy", p.String())
	}
	return policy.Policy{ID: p.String(), Document: mp.document()}, nil
}

// StableID returns a deterministic IAM-style unique ID for an entity ARN:
// a four-letter prefix by type (AIDA users, AROA roles, AGPA groups, ANPA
// policies) and 17 characters derived from the ARN. Stores use it when an
// entity is created without an ID.
func StableID(a arn.ARN) string {
	prefix := "AIDA"
	switch a.Type() {
	case arn.TypeRole:
		prefix = "AROA"
	case arn.TypeGroup:
		prefix = "AGPA"
	case arn.TypePolicy:
		prefix = "ANPA"
	}
	sum := sha256.Sum256([]byte(a.String()))
	return prefix + strings.ToUpper(hex.EncodeToString(sum[:9]))[:17]
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("principal: %s: %w", fmt.Sprintf(format, args...), ErrInvalid)
}

// defaultNames fills an entity's empty name, path and ID from its ARN a.
func defaultNames(a arn.ARN, name, path, id *string) {
	if *name == "" {
		*name = a.Name()
	}
	if *path == "" {
		*path = a.Path()
	}
	if *id == "" {
		*id = StableID(a)
	}
}

// normalizeIdentity checks id against kind and fills the defaults.
func normalizeIdentity(id Identity, kind Kind, typ arn.ResourceType) (Identity, error) {
	if !id.ARN.IsValid() || id.ARN.Type() != typ {
		return Identity{}, invalid("%s ARN %q", typ, id.ARN)
	}
	if id.Kind == 0 {
		id.Kind = kind
	}
	if id.Kind != kind {
		return Identity{}, invalid("identity %s has kind %s, want %s", id.ARN, id.Kind, kind)
	}
	defaultNames(id.ARN, &id.Name, &id.Path, &id.ID)
	id.Tags = cloneTags(id.Tags)
	if id.PermissionsBoundary != (arn.ARN{}) && id.PermissionsBoundary.Type() != arn.TypePolicy {
		return Identity{}, invalid("permissions boundary %q of %s is not a policy", id.PermissionsBoundary, id.ARN)
	}
	if kind != KindRole && id.TrustPolicy != nil {
		return Identity{}, invalid("%s %s cannot have a trust policy", kind, id.ARN)
	}
	return id, nil
}

// PutUser creates or replaces a user. Kind may be zero; Name, Path and ID
// default to the ARN's email, path and [StableID]. Replacing a user keeps its
// groups, attachments and inline policies.
func (s *MemoryStore) PutUser(u Identity) error {
	return s.putIdentity(u, KindUser, arn.TypeUser)
}

// PutRole creates or replaces a role. Kind may be zero; Name, Path and ID
// default as for [MemoryStore.PutUser].
func (s *MemoryStore) PutRole(r Identity) error {
	return s.putIdentity(r, KindRole, arn.TypeRole)
}

func (s *MemoryStore) putIdentity(id Identity, kind Kind, typ arn.ResourceType) error {
	id, err := normalizeIdentity(id, kind, typ)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := nameOf(id.ARN)
	if other, ok := s.names[n]; ok && other != id.ARN {
		return fmt.Errorf("principal: %s %s: %s has the same name in the account: %w", kind, id.ARN, other, ErrConflict)
	}
	s.names[n] = id.ARN
	s.accounts[n.account] = true
	s.identities[id.ARN] = id
	s.changed(id.ARN.String())
	return nil
}

// DeleteUser removes a user with its group memberships, attachments and
// inline policies. Its sessions stay in the store, as issued credentials do:
// the [Authorizer] denies them because the user no longer exists.
func (s *MemoryStore) DeleteUser(user arn.ARN) error {
	return s.deleteIdentity(user, arn.TypeUser)
}

// DeleteRole removes a role with its attachments and inline policies.
func (s *MemoryStore) DeleteRole(role arn.ARN) error {
	return s.deleteIdentity(role, arn.TypeRole)
}

func (s *MemoryStore) deleteIdentity(a arn.ARN, typ arn.ResourceType) error {
	if a.Type() != typ {
		return invalid("%s ARN %q", typ, a)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.identities[a]; !ok {
		return notFound(string(typ), a.String())
	}
	delete(s.identities, a)
	delete(s.names, nameOf(a))
	delete(s.members, a)
	delete(s.attached, a)
	delete(s.inline, a)
	s.changed(a.String())
	return nil
}

// PutGroup creates or replaces a group. Name, Path and ID default from the
// ARN. Built-in groups (account "astran") may be put, to model Astran's
// built-in groups with their built-in policies.
func (s *MemoryStore) PutGroup(g Group) error {
	if !g.ARN.IsValid() || g.ARN.Type() != arn.TypeGroup {
		return invalid("group ARN %q", g.ARN)
	}
	defaultNames(g.ARN, &g.Name, &g.Path, &g.ID)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[g.ARN] = g
	s.changed(g.ARN.String())
	return nil
}

// DeleteGroup removes a group, its memberships, attachments and inline
// policies.
func (s *MemoryStore) DeleteGroup(group arn.ARN) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[group]; !ok {
		return notFound("group", group.String())
	}
	delete(s.groups, group)
	for u, gs := range s.members {
		s.members[u] = slices.DeleteFunc(gs, func(g arn.ARN) bool { return g == group })
	}
	delete(s.attached, group)
	delete(s.inline, group)
	s.changed(group.String())
	return nil
}

// AddUserToGroup makes user a member of group. Adding an existing member is
// not an error.
func (s *MemoryStore) AddUserToGroup(user, group arn.ARN) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.identities[user]; !ok || id.Kind != KindUser {
		return notFound("user", user.String())
	}
	if _, ok := s.groups[group]; !ok {
		return notFound("group", group.String())
	}
	if addTo(s.members, user, group) {
		s.changed(user.String())
	}
	return nil
}

// RemoveUserFromGroup removes user from group.
func (s *MemoryStore) RemoveUserFromGroup(user, group arn.ARN) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !removeFrom(s.members, user, group) {
		return notFound("group membership", user.String()+" in "+group.String())
	}
	s.changed(user.String())
	return nil
}

// addTo appends v to m[k] unless it is there, and reports whether it did.
func addTo(m map[arn.ARN][]arn.ARN, k, v arn.ARN) bool {
	if slices.Contains(m[k], v) {
		return false
	}
	m[k] = append(m[k], v)
	return true
}

// removeFrom removes v from m[k], on a copy of the slice (readers may hold
// the old one), and reports whether v was there.
func removeFrom(m map[arn.ARN][]arn.ARN, k, v arn.ARN) bool {
	i := slices.Index(m[k], v)
	if i < 0 {
		return false
	}
	m[k] = slices.Delete(slices.Clone(m[k]), i, i+1)
	return true
}

// PutPolicy creates a customer-managed policy with doc as version v1, or,
// if it exists, adds doc as a new default version, dropping the oldest
// non-default version when the policy already has five (IAM's limit).
func (s *MemoryStore) PutPolicy(policyARN arn.ARN, doc *policy.Document) error {
	if err := checkManaged(policyARN, doc); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mp := s.managed[policyARN]
	if mp == nil {
		mp = &managedPolicy{next: 1}
		s.managed[policyARN] = mp
	}
	if len(mp.versions) >= maxPolicyVersions {
		i := slices.IndexFunc(mp.versions, func(v policyVersion) bool { return v.id != mp.defaultVersion })
		mp.versions = slices.Delete(mp.versions, i, i+1)
	}
	mp.defaultVersion = mp.add(doc)
	s.changed(policyARN.String())
	return nil
}

func (mp *managedPolicy) add(doc *policy.Document) string {
	id := "v" + strconv.Itoa(mp.next)
	mp.next++
	mp.versions = append(mp.versions, policyVersion{id: id, doc: doc})
	return id
}

func checkManaged(policyARN arn.ARN, doc *policy.Document) error {
	if !policyARN.IsValid() || policyARN.Type() != arn.TypePolicy {
		return invalid("policy ARN %q", policyARN)
	}
	if builtin.IsBuiltin(policyARN) {
		return fmt.Errorf("principal: policy %s: %w", policyARN, ErrBuiltin)
	}
	if doc == nil {
		return invalid("policy %s: nil document", policyARN)
	}
	return nil
}

// PutPolicyVersion adds a version to an existing managed policy and returns
// its ID ("v2", "v3", ...). It fails with ErrConflict when the policy already
// has five versions, as IAM does.
func (s *MemoryStore) PutPolicyVersion(policyARN arn.ARN, doc *policy.Document, setDefault bool) (string, error) {
	if err := checkManaged(policyARN, doc); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mp := s.managed[policyARN]
	if mp == nil {
		return "", notFound("policy", policyARN.String())
	}
	if len(mp.versions) >= maxPolicyVersions {
		return "", fmt.Errorf("principal: policy %s: at most %d versions: %w", policyARN, maxPolicyVersions, ErrConflict)
	}
	id := mp.add(doc)
	if setDefault {
		mp.defaultVersion = id
	}
	s.changed(policyARN.String())
	return id, nil
}

// SetDefaultPolicyVersion makes version the default version of a managed policy.
func (s *MemoryStore) SetDefaultPolicyVersion(policyARN arn.ARN, version string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	mp := s.managed[policyARN]
	if mp == nil {
		return notFound("policy", policyARN.String())
	}
	if !slices.ContainsFunc(mp.versions, func(v policyVersion) bool { return v.id == version }) {
		return notFound("policy version", policyARN.String()+" "+version)
	}
	mp.defaultVersion = version
	s.changed(policyARN.String())
	return nil
}

// DeletePolicy deletes a customer-managed policy. It fails with ErrConflict
// while the policy is attached or used as a permissions boundary.
func (s *MemoryStore) DeletePolicy(policyARN arn.ARN) error {
	if builtin.IsBuiltin(policyARN) {
		return fmt.Errorf("principal: policy %s: %w", policyARN, ErrBuiltin)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.managed[policyARN] == nil {
		return notFound("policy", policyARN.String())
	}
	for e, ps := range s.attached {
		if slices.Contains(ps, policyARN) {
			return fmt.Errorf("principal: policy %s attached to %s: %w", policyARN, e, ErrConflict)
		}
	}
	for _, id := range s.identities {
		if id.PermissionsBoundary == policyARN {
			return fmt.Errorf("principal: policy %s is the permissions boundary of %s: %w", policyARN, id.ARN, ErrConflict)
		}
	}
	delete(s.managed, policyARN)
	s.changed(policyARN.String())
	return nil
}

// entityExistsLocked reports whether a user, group or role exists.
func (s *MemoryStore) entityExistsLocked(entity arn.ARN) bool {
	switch entity.Type() {
	case arn.TypeUser, arn.TypeRole:
		_, ok := s.identities[entity]
		return ok
	case arn.TypeGroup:
		_, ok := s.groups[entity]
		return ok
	}
	return false
}

// AttachPolicy attaches a managed policy (customer or built-in) to a user,
// group or role. Attaching an attached policy is not an error.
func (s *MemoryStore) AttachPolicy(entity, policyARN arn.ARN) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.entityExistsLocked(entity) {
		return notFound("entity", entity.String())
	}
	policyARN, err := s.policyARNLocked(policyARN)
	if err != nil {
		return err
	}
	if addTo(s.attached, entity, policyARN) {
		s.changed(entity.String())
	}
	return nil
}

// policyARNLocked returns the ARN under which a managed policy is kept: the
// canonical ARN of a built-in, p itself for an existing customer policy.
func (s *MemoryStore) policyARNLocked(p arn.ARN) (arn.ARN, error) {
	pol, err := s.managedLocked(p)
	if err != nil {
		return arn.ARN{}, err
	}
	if builtin.IsBuiltin(p) {
		return arn.Parse(pol.ID)
	}
	return p, nil
}

// DetachPolicy detaches a managed policy from a user, group or role.
func (s *MemoryStore) DetachPolicy(entity, policyARN arn.ARN) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, err := s.policyARNLocked(policyARN); err == nil {
		policyARN = c
	}
	if !removeFrom(s.attached, entity, policyARN) {
		return notFound("attachment", policyARN.String()+" on "+entity.String())
	}
	s.changed(entity.String())
	return nil
}

// PutInlinePolicy creates or replaces the inline policy name of a user,
// group or role.
func (s *MemoryStore) PutInlinePolicy(entity arn.ARN, name string, doc *policy.Document) error {
	if name == "" || doc == nil {
		return invalid("inline policy %q of %s: empty name or nil document", name, entity)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.entityExistsLocked(entity) {
		return notFound("entity", entity.String())
	}
	m := s.inline[entity]
	if m == nil {
		m = make(map[string]*policy.Document)
		s.inline[entity] = m
	}
	m[name] = doc
	s.changed(entity.String())
	return nil
}

// DeleteInlinePolicy deletes the inline policy name of a user, group or role.
func (s *MemoryStore) DeleteInlinePolicy(entity arn.ARN, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.inline[entity][name]; !ok {
		return notFound("inline policy", InlinePolicyID(entity, name))
	}
	delete(s.inline[entity], name)
	s.changed(entity.String())
	return nil
}

// SetPermissionsBoundary sets the permissions boundary of a user or role to
// a managed policy; the zero ARN removes it.
func (s *MemoryStore) SetPermissionsBoundary(entity, policyARN arn.ARN) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.identities[entity]
	if !ok {
		return notFound("identity", entity.String())
	}
	if policyARN != (arn.ARN{}) {
		var err error
		if policyARN, err = s.policyARNLocked(policyARN); err != nil {
			return err
		}
	}
	id.PermissionsBoundary = policyARN
	s.identities[entity] = id
	s.changed(entity.String())
	return nil
}

// PutSession stores an STS session. The identity it stands for need not
// exist (yet); the [Authorizer] checks it on every decision.
func (s *MemoryStore) PutSession(ses Session) error {
	if ses.AccessKeyID == "" {
		return invalid("session without access key ID")
	}
	switch ses.Identity.Type() {
	case arn.TypeUser, arn.TypeRole, arn.TypeRoot, arn.TypeAssumedRole:
	default:
		return invalid("session %s: identity %q is not a user, role, assumed role or root", ses.AccessKeyID, ses.Identity)
	}
	ses.Tags = cloneTags(ses.Tags)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[ses.AccessKeyID] = ses
	s.changed(ses.AccessKeyID)
	return nil
}

// DeleteSession removes a session (its credentials stop working).
func (s *MemoryStore) DeleteSession(accessKeyID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.sessions[accessKeyID]; !ok {
		return notFound("session", accessKeyID)
	}
	delete(s.sessions, accessKeyID)
	s.changed(accessKeyID)
	return nil
}
