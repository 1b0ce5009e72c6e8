package catalog

import (
	"iter"
	"strings"
)

// span is a half-open range of a table.
type span struct{ lo, hi uint16 }

type serviceData struct {
	prefix, name string
	open         bool
	rts          span
	actions      span
}

type resourceData struct {
	svc       uint8 // the service's handle (index+1 into services)
	name, arn string
}

type actionData struct {
	name  string // "s3:GetObject"
	svc   uint8  // the service's handle (index+1 into services)
	level AccessLevel
	rts   span // into actionResourceTypes
	keys  span // into actionKeys
}

type resourceRef struct {
	rt       uint16
	required bool
}

type keyData struct {
	name  string
	types KeyType
	flags uint8
}

const (
	flagMulti = 1 << iota
	flagAlwaysPresent
	flagGlobal
	flagWebIdentity
)

// AccessLevel is the access level of an action, as the Service
// Authorization Reference classifies it.
type AccessLevel uint8

// The access levels. An action the reference lists under both
// "Permissions management" and "Write" is [PermissionsManagement].
const (
	List AccessLevel = iota + 1
	Read
	Write
	PermissionsManagement
	Tagging
)

// String returns the reference's name of the level.
func (l AccessLevel) String() string {
	switch l {
	case List:
		return "List"
	case Read:
		return "Read"
	case Write:
		return "Write"
	case PermissionsManagement:
		return "Permissions management"
	case Tagging:
		return "Tagging"
	}
	return "unknown"
}

// KeyType is the set of value types a condition key takes: one type, or
// for aws:EpochTime both [TypeDate] and [TypeNumeric].
type KeyType uint8

// The condition key types.
const (
	TypeString KeyType = 1 << iota
	TypeARN
	TypeBool
	TypeDate
	TypeIPAddress
	TypeNumeric
	TypeBinary
)

// Has reports whether t includes every type of u.
func (t KeyType) Has(u KeyType) bool { return u != 0 && t&u == u }

// String returns the names of the types, joined by "|": "String",
// "Date|Numeric".
func (t KeyType) String() string {
	names := [...]string{"String", "ARN", "Bool", "Date", "IPAddress", "Numeric", "Binary"}
	s := ""
	for i, n := range names {
		if t&(1<<i) != 0 {
			if s != "" {
				s += "|"
			}
			s += n
		}
	}
	if s == "" {
		return "unknown"
	}
	return s
}

// Service is a service of the catalog, such as s3. The zero Service is
// invalid.
type Service struct{ i uint8 } // index+1

// Services returns every service, ordered by prefix.
func Services() iter.Seq[Service] {
	return func(yield func(Service) bool) {
		for i := range services {
			if !yield(Service{uint8(i + 1)}) {
				return
			}
		}
	}
}

// LookupService returns the service with the given prefix ("s3"); the
// prefix is compared case-sensitively.
func LookupService(prefix string) (Service, bool) {
	for i := range services {
		if services[i].prefix == prefix {
			return Service{uint8(i + 1)}, true
		}
	}
	return Service{}, false
}

// Every handle (Service, Action, ResourceType, ConditionKey) holds the
// index+1 of its row in a generated table, so that the zero handle is
// invalid.

// valid reports whether the handle index i names a row of tab.
func valid[T any, I uint8 | uint16](tab []T, i I) bool { return i != 0 && int(i) <= len(tab) }

// entry returns the row of tab that the handle index i names, or a zero row
// for an invalid handle.
func entry[T any, I uint8 | uint16](tab []T, i I) *T {
	if !valid(tab, i) {
		return new(T)
	}
	return &tab[i-1]
}

// handles yields the handles (Action or ResourceType: index+1) of the rows
// in sp.
func handles[H ~struct{ i uint16 }](sp span) iter.Seq[H] {
	return func(yield func(H) bool) {
		for i := sp.lo; i < sp.hi; i++ {
			if !yield(H{i + 1}) {
				return
			}
		}
	}
}

func (s Service) data() *serviceData { return entry(services[:], s.i) }

// IsValid reports whether s is a service of the catalog.
func (s Service) IsValid() bool { return valid(services[:], s.i) }

// Prefix returns the service prefix, such as "s3".
func (s Service) Prefix() string { return s.data().prefix }

// Name returns the service's full name.
func (s Service) Name() string { return s.data().name }

// Open reports whether the catalog does not know the service's actions
// (Astran's kits): any action name of an open service is accepted.
func (s Service) Open() bool { return s.data().open }

// Actions returns the actions of the service, ordered by name
// case-insensitively.
func (s Service) Actions() iter.Seq[Action] { return handles[Action](s.data().actions) }

// ResourceTypes returns the resource types of the service.
func (s Service) ResourceTypes() iter.Seq[ResourceType] { return handles[ResourceType](s.data().rts) }

// Action is an action of the catalog, such as s3:GetObject. The zero
// Action is invalid.
type Action struct{ i uint16 } // index+1

// LookupAction returns the action named exactly name ("s3:GetObject"), as
// Astran compares action names: case-sensitively.
func LookupAction(name string) (Action, bool) {
	if i, ok := actionIndex[name]; ok {
		return Action{i}, true
	}
	return Action{}, false
}

// actionIndex maps the exact action names to their Action.
var actionIndex = func() map[string]uint16 {
	m := make(map[string]uint16, len(actions))
	for i := range actions {
		m[actions[i].name] = uint16(i + 1)
	}
	return m
}()

// LookupActionFold returns the action whose name equals name
// case-insensitively, as AWS compares action names ("S3:getobject" finds
// s3:GetObject). [Action.Name] gives the right case.
func LookupActionFold(name string) (Action, bool) {
	var buf [64]byte
	if len(name) > len(buf) {
		return Action{}, false // longer than every action name
	}
	if i, ok := actionFoldIndex[string(lowerInto(buf[:0], name))]; ok {
		return Action{i}, true
	}
	return Action{}, false
}

// actionFoldIndex maps the lower-case action names to their Action.
var actionFoldIndex = func() map[string]uint16 {
	m := make(map[string]uint16, len(actions))
	for i := range actions {
		m[strings.ToLower(actions[i].name)] = uint16(i + 1)
	}
	return m
}()

// lowerInto appends the ASCII lower-case form of s to b.
func lowerInto(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		b = append(b, lowerByte(s[i]))
	}
	return b
}

// LookupAWSOnlyAction returns the right-cased name of an action that AWS
// defines for a catalogued service but Astran does not document (such as
// s3:PutBucketPolicy); name is compared case-insensitively.
func LookupAWSOnlyAction(name string) (string, bool) {
	i := searchFold(len(awsOnlyActions), func(i int) string { return awsOnlyActions[i] }, name)
	if i < len(awsOnlyActions) && compareFold(awsOnlyActions[i], name) == 0 {
		return awsOnlyActions[i], true
	}
	return "", false
}

// searchFold returns the first index i of n sorted names at(i) whose name
// is not below name case-insensitively.
func searchFold(n int, at func(int) string, name string) int {
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if compareFold(at(m), name) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (a Action) data() *actionData { return entry(actions[:], a.i) }

// IsValid reports whether a is an action of the catalog.
func (a Action) IsValid() bool { return valid(actions[:], a.i) }

// Name returns the action's name with its service prefix: "s3:GetObject".
func (a Action) Name() string { return a.data().name }

// Service returns the action's service.
func (a Action) Service() Service { return Service{a.data().svc} }

// AccessLevel returns the action's access level.
func (a Action) AccessLevel() AccessLevel { return a.data().level }

// ResourceTypes returns the resource types the action accepts in a
// Resource element, and whether each is required. An action without
// resource types (s3:ListAllMyBuckets) accepts only "*".
func (a Action) ResourceTypes() iter.Seq2[ResourceType, bool] {
	sp := a.data().rts
	return func(yield func(ResourceType, bool) bool) {
		for i := sp.lo; i < sp.hi; i++ {
			r := actionResourceTypes[i]
			if !yield(ResourceType{r.rt + 1}, r.required) {
				return
			}
		}
	}
}

// ConditionKeys returns the service condition keys the action carries
// (its own, those of its resource types and the aws:RequestTag-style keys
// it supports), not the global keys every action carries.
func (a Action) ConditionKeys() iter.Seq[ConditionKey] {
	sp := a.data().keys
	return func(yield func(ConditionKey) bool) {
		for i := sp.lo; i < sp.hi; i++ {
			if !yield(ConditionKey{actionKeys[i] + 1}) {
				return
			}
		}
	}
}

// HasConditionKey reports whether a request for the action can carry the
// key k: k is global (and not action-specific, as aws:RequestTag/... is) or
// one of [Action.ConditionKeys].
func (a Action) HasConditionKey(k ConditionKey) bool {
	if !a.IsValid() || !k.IsValid() {
		return false
	}
	if k.Global() {
		return true
	}
	sp := a.data().keys
	for i := sp.lo; i < sp.hi; i++ {
		if actionKeys[i]+1 == k.i {
			return true
		}
	}
	return false
}

// ResourceType is a resource type of a service, such as s3's object. The
// zero ResourceType is invalid.
type ResourceType struct{ i uint16 } // index+1

func (r ResourceType) data() *resourceData { return entry(resourceTypes[:], r.i) }

// IsValid reports whether r is a resource type of the catalog.
func (r ResourceType) IsValid() bool { return valid(resourceTypes[:], r.i) }

// Name returns the type's name, such as "object".
func (r ResourceType) Name() string { return r.data().name }

// Service returns the service that defines the type.
func (r ResourceType) Service() Service { return Service{r.data().svc} }

// ARNFormat returns the type's ARN format, such as
// "arn:${Partition}:s3:::${BucketName}/${ObjectName}".
func (r ResourceType) ARNFormat() string { return r.data().arn }

// ConditionKey is a condition key, such as aws:SourceIp, or a key template
// such as aws:RequestTag/${TagKey} or ${Provider}:aud. The zero
// ConditionKey is invalid.
type ConditionKey struct{ i uint16 } // index+1

// LookupConditionKey returns the condition key named name, compared
// case-insensitively. A tag key finds its template ("aws:RequestTag/team"
// finds aws:RequestTag/${TagKey}), and a key of an OIDC provider
// ("idp.example.com/realms/demo:aud") finds the web identity key
// ${Provider}:aud.
func LookupConditionKey(name string) (ConditionKey, bool) {
	if i, ok := searchKey(name); ok {
		return ConditionKey{uint16(i + 1)}, true
	}
	if slash := strings.IndexByte(name, '/'); slash > 0 && slash+1 < len(name) {
		// A template: the name up to the slash, then ${...} or <...>.
		lo := lowerBound(name[:slash+1])
		for i := lo; i < len(conditionKeys); i++ {
			k := conditionKeys[i].name
			if len(k) <= slash+1 || compareFold(k[:slash+1], name[:slash+1]) != 0 {
				break
			}
			if rest := k[slash+1:]; strings.HasPrefix(rest, "${") || strings.HasPrefix(rest, "<") {
				return ConditionKey{uint16(i + 1)}, true
			}
		}
	}
	if c := strings.LastIndexByte(name, ':'); c > 0 && strings.IndexByte(name[:c], '.') >= 0 {
		// An OIDC provider's claim: "{host/path}:{claim}".
		claim := name[c+1:]
		for i := range conditionKeys {
			k := &conditionKeys[i]
			if k.flags&flagWebIdentity != 0 && compareFold(k.name[len(webPrefix):], claim) == 0 {
				return ConditionKey{uint16(i + 1)}, true
			}
		}
	}
	return ConditionKey{}, false
}

// webPrefix starts the names of the web identity keys.
const webPrefix = "${Provider}:"

func searchKey(name string) (int, bool) {
	lo := lowerBound(name)
	if lo < len(conditionKeys) && compareFold(conditionKeys[lo].name, name) == 0 {
		return lo, true
	}
	return 0, false
}

func lowerBound(name string) int {
	return searchFold(len(conditionKeys), func(i int) string { return conditionKeys[i].name }, name)
}

func (k ConditionKey) data() *keyData { return entry(conditionKeys[:], k.i) }

// IsValid reports whether k is a condition key of the catalog.
func (k ConditionKey) IsValid() bool { return valid(conditionKeys[:], k.i) }

// Name returns the key's name as the reference writes it
// ("aws:SourceIp", "aws:RequestTag/${TagKey}", "${Provider}:aud").
func (k ConditionKey) Name() string { return k.data().name }

// Type returns the key's value type.
func (k ConditionKey) Type() KeyType { return k.data().types }

// Multivalued reports whether the key takes a list of values (the
// reference's ArrayOf types), which the ForAnyValue: and ForAllValues:
// qualifiers are for.
func (k ConditionKey) Multivalued() bool { return k.data().flags&flagMulti != 0 }

// Global reports whether the key is a global aws:* key, available to every
// action (though not present in every request).
func (k ConditionKey) Global() bool { return k.data().flags&flagGlobal != 0 }

// AlwaysPresent reports whether every authenticated request carries the
// key (aws:CurrentTime, aws:PrincipalArn, aws:SecureTransport, ...).
func (k ConditionKey) AlwaysPresent() bool { return k.data().flags&flagAlwaysPresent != 0 }

// WebIdentity reports whether the key is a claim of an OIDC provider,
// named "{provider}:{claim}" in policies.
func (k ConditionKey) WebIdentity() bool { return k.data().flags&flagWebIdentity != 0 }

// compareFold compares a and b as strings.Compare does on their ASCII
// lower-case forms, without allocating.
func compareFold(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := lowerByte(a[i]), lowerByte(b[i])
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
