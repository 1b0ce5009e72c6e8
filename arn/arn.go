// Package arn parses, builds and matches Astran Amazon Resource Names.
//
// An Astran ARN has the AWS shape
//
//	arn:{partition}:{service}:{region}:{account}:{resource}
//
// where the partition is any name (a customer's partition such as "demo",
// or "astran" for built-ins), the region is usually empty, and the account is
// a UUID, the literal "astran" for built-in policies and groups, or empty for
// S3. The resource is everything after the fifth colon and may itself contain
// colons, slashes, dots and "@" (user names are email addresses).
//
// [ARN] is a comparable value type: two ARNs are equal exactly when their
// String forms are equal. [Parse] does not allocate (the fields of the result
// share the input's memory).
//
// # Errors
//
// Every error is a [*ParseError] carrying the input and the failing field,
// and wraps one category sentinel: [ErrMalformed], [ErrInvalidName],
// [ErrInvalidEmail] or [ErrInvalidPath]. Test with [errors.Is] and
// [errors.As].
//
// # Wildcards
//
// [Match] is IAM's plain wildcard match ("*" crosses ":" and "/"), used for
// actions; [MatchARN] matches ARNs segment by segment, as IAM matches the
// Resource and Principal elements of a policy. Neither allocates.
package arn

import (
	"errors"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	awsarn "github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Sentinel errors, one per category. Every error returned by this package
// wraps exactly one of them; test with [errors.Is].
var (
	// ErrMalformed reports an input that is not an ARN at all: a wrong
	// prefix, too few fields, or an empty required field.
	ErrMalformed = errors.New("malformed ARN")
	// ErrInvalidName reports a resource name that the constructors refuse:
	// empty, containing characters IAM does not allow, or too long.
	ErrInvalidName = errors.New("invalid name")
	// ErrInvalidEmail reports a user name that is not an email address.
	ErrInvalidEmail = errors.New("user name must be an email address")
	// ErrInvalidPath reports an IAM path that does not start and end with "/".
	ErrInvalidPath = errors.New("invalid IAM path")
)

// ParseError describes a failure to parse or build an ARN.
type ParseError struct {
	Input string // the input that was rejected
	Field string // the failing field: "prefix", "partition", "service", "region", "account", "resource", "name", "path", "email", "bucket", "key", "url"
	Err   error  // the category: one of the Err* sentinels, possibly wrapping a cause
}

func (e *ParseError) Error() string {
	return "arn: " + quote(e.Input) + ": " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns the category sentinel.
func (e *ParseError) Unwrap() error { return e.Err }

// quote quotes an input for an error message, shortening very long inputs
// so that an error never carries megabytes of attacker-supplied text.
func quote(s string) string {
	const limit = 200
	if len(s) > limit {
		i := limit
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "..."
	}
	return strconv.Quote(s)
}

// ARN is a parsed Astran ARN. The zero ARN is not valid.
type ARN struct {
	Partition string // e.g. "demo" or "astran"
	Service   string // "iam", "s3", "sts", "ck"
	Region    string // usually empty
	Account   string // account UUID, "astran", or empty (S3)
	Resource  string // everything after the fifth colon
}

// Parse parses s as an ARN. It requires the "arn" prefix, six
// colon-separated fields with non-empty partition, service and resource, and
// keeps everything after the fifth colon as the resource. It does not
// allocate: the fields of the result share s's memory.
//
// On failure the error is a [*ParseError] wrapping [ErrMalformed] whose Field
// is "prefix" for a missing "arn:" prefix, the first absent field when there
// are fewer than five colons ("arn:demo:iam" lacks the "region"), or the
// empty required field ("partition", "service" or "resource").
func Parse(s string) (ARN, error) {
	var a ARN
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ARN{}, &ParseError{Input: s, Field: "prefix", Err: ErrMalformed}
	}
	var fields [4]string
	// With too few colons, the error names the first absent field.
	absent := [4]string{"service", "region", "account", "resource"}
	for i := range fields {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ARN{}, &ParseError{Input: s, Field: absent[i], Err: ErrMalformed}
		}
		fields[i], rest = rest[:j], rest[j+1:]
	}
	a.Partition, a.Service, a.Region, a.Account, a.Resource = fields[0], fields[1], fields[2], fields[3], rest
	switch {
	case a.Partition == "":
		return ARN{}, &ParseError{Input: s, Field: "partition", Err: ErrMalformed}
	case a.Service == "":
		return ARN{}, &ParseError{Input: s, Field: "service", Err: ErrMalformed}
	case a.Resource == "":
		return ARN{}, &ParseError{Input: s, Field: "resource", Err: ErrMalformed}
	}
	return a, nil
}

// MustParse calls [Parse](s) and panics on error.
// It is intended for use in tests and with hard-coded strings.
func MustParse(s string) ARN {
	a, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

// IsARN reports whether s parses as an ARN.
func IsARN(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// IsValid reports whether a is a valid ARN: partition, service and resource
// are set and no field but the resource contains a colon. An ARN returned by
// [Parse] or by a constructor is always valid; the zero ARN is not.
func (a ARN) IsValid() bool {
	return invalidField(a) == ""
}

// invalidField returns the first field that makes a invalid, or "".
func invalidField(a ARN) string {
	switch {
	case a.Partition == "" || strings.IndexByte(a.Partition, ':') >= 0:
		return "partition"
	case a.Service == "" || strings.IndexByte(a.Service, ':') >= 0:
		return "service"
	case strings.IndexByte(a.Region, ':') >= 0:
		return "region"
	case strings.IndexByte(a.Account, ':') >= 0:
		return "account"
	case a.Resource == "":
		return "resource"
	}
	return ""
}

// String returns the ARN in its canonical text form. The zero ARN is "".
func (a ARN) String() string {
	if a == (ARN{}) {
		return ""
	}
	var b strings.Builder
	b.Grow(9 + len(a.Partition) + len(a.Service) + len(a.Region) + len(a.Account) + len(a.Resource))
	b.WriteString("arn:")
	b.WriteString(a.Partition)
	b.WriteByte(':')
	b.WriteString(a.Service)
	b.WriteByte(':')
	b.WriteString(a.Region)
	b.WriteByte(':')
	b.WriteString(a.Account)
	b.WriteByte(':')
	b.WriteString(a.Resource)
	return b.String()
}

// MarshalText implements [encoding.TextMarshaler]. The zero ARN marshals to
// an empty string; any other invalid ARN is an error.
func (a ARN) MarshalText() ([]byte, error) {
	if a == (ARN{}) {
		return []byte{}, nil
	}
	if f := invalidField(a); f != "" {
		return nil, &ParseError{Input: a.String(), Field: f, Err: ErrMalformed}
	}
	return []byte(a.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]. An empty text gives
// the zero ARN.
func (a *ARN) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*a = ARN{}
		return nil
	}
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*a = p
	return nil
}

// FromAWS converts an aws-sdk-go-v2 ARN, validating it: the result is
// valid, or the error is a [*ParseError] wrapping [ErrMalformed].
func FromAWS(x awsarn.ARN) (ARN, error) {
	a := ARN{Partition: x.Partition, Service: x.Service, Region: x.Region, Account: x.AccountID, Resource: x.Resource}
	if f := invalidField(a); f != "" {
		return ARN{}, &ParseError{Input: x.String(), Field: f, Err: ErrMalformed}
	}
	return a, nil
}

// AWS converts a to the aws-sdk-go-v2 representation. For a valid ARN,
// FromAWS(a.AWS()) == a.
func (a ARN) AWS() awsarn.ARN {
	return awsarn.ARN{Partition: a.Partition, Service: a.Service, Region: a.Region, AccountID: a.Account, Resource: a.Resource}
}

// ResourceType is the kind of entity an ARN names.
type ResourceType string

// Resource types known to Astran.
const (
	TypeUnknown      ResourceType = ""
	TypeUser         ResourceType = "user"
	TypeGroup        ResourceType = "group"
	TypeRole         ResourceType = "role"
	TypePolicy       ResourceType = "policy"
	TypeOIDCProvider ResourceType = "oidc-provider"
	TypeRoot         ResourceType = "root"
	TypeBucket       ResourceType = "bucket"
	TypeObject       ResourceType = "object"
	// TypeAssumedRole is an STS role session,
	// arn:{partition}:sts::{account}:assumed-role/{role}/{session}.
	TypeAssumedRole ResourceType = "assumed-role"
)

// Type returns the kind of resource a names: for IAM the part of the
// resource before the first "/" (user, group, role, policy, oidc-provider)
// or root; for STS an assumed-role session; for S3 a bucket (no "/" in the
// resource) or an object. Unknown services or resource kinds give
// [TypeUnknown].
func (a ARN) Type() ResourceType {
	switch a.Service {
	case "s3":
		if a.Resource == "" {
			return TypeUnknown
		}
		if strings.IndexByte(a.Resource, '/') >= 0 {
			return TypeObject
		}
		return TypeBucket
	case "iam":
		if a.Resource == "root" {
			return TypeRoot
		}
		kind, _, ok := strings.Cut(a.Resource, "/")
		if !ok {
			return TypeUnknown
		}
		switch ResourceType(kind) {
		case TypeUser, TypeGroup, TypeRole, TypePolicy, TypeOIDCProvider:
			return ResourceType(kind)
		}
	case "sts":
		if strings.HasPrefix(a.Resource, "assumed-role/") {
			return TypeAssumedRole
		}
	}
	return TypeUnknown
}

// Path returns the IAM path of a user, group, role or policy ARN: "/" for
// "user/bob@astran.io", "/division/team/" for
// "user/division/team/bob@astran.io". It is "" for other ARNs, including
// OIDC providers, whose resource is a URL host and path rather than a name.
func (a ARN) Path() string {
	switch a.Type() {
	case TypeUser, TypeGroup, TypeRole, TypePolicy:
	default:
		return ""
	}
	_, rest, _ := strings.Cut(a.Resource, "/")
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		return "/"
	}
	return "/" + rest[:i+1]
}

// Name returns the entity name: the last path element of a user, group,
// role or policy (for a user, the email address); the host and path of an
// OIDC provider; the session name of an assumed role; the bucket of an S3
// bucket ARN and the key's last element of an object ARN; "root" for root.
// It is "" for [TypeUnknown].
func (a ARN) Name() string {
	switch a.Type() {
	case TypeUser, TypeGroup, TypeRole, TypePolicy, TypeAssumedRole:
		return a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	case TypeOIDCProvider:
		return a.Resource[len("oidc-provider/"):]
	case TypeRoot:
		return "root"
	case TypeBucket:
		return a.Resource
	case TypeObject:
		return a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	}
	return ""
}

// Bucket returns the bucket of an S3 ARN, or "".
func (a ARN) Bucket() string {
	if a.Service != "s3" {
		return ""
	}
	b, _, _ := strings.Cut(a.Resource, "/")
	return b
}

// Key returns the object key of an S3 object ARN, or "".
func (a ARN) Key() string {
	if a.Service != "s3" {
		return ""
	}
	_, k, _ := strings.Cut(a.Resource, "/")
	return k
}

// Constructors. Each validates its inputs and never builds a malformed ARN:
// an ARN they return is valid, parses back to itself and has the expected
// [ARN.Type].

// IAM name limits (AWS IAM quotas, which Astran follows).
const (
	maxUserName   = 64  // users: Astran user names are email addresses
	maxRoleName   = 64  // roles
	maxName       = 128 // groups and policies
	maxPath       = 512 // IAM paths
	maxKey        = 1024
	minBucketName = 3
	maxBucketName = 63
)

func build(partition, service, account, resource string) (ARN, error) {
	a := ARN{Partition: partition, Service: service, Account: account, Resource: resource}
	switch {
	case !fieldOK(partition) || partition == "":
		return ARN{}, &ParseError{Input: partition, Field: "partition", Err: ErrMalformed}
	case !fieldOK(account):
		return ARN{}, &ParseError{Input: account, Field: "account", Err: ErrMalformed}
	}
	return a, nil
}

// fieldOK reports whether s is usable as a partition or account: printable
// ASCII without ":", "/" or spaces.
func fieldOK(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == ':' || c == '/' {
			return false
		}
	}
	return true
}

// User returns the ARN of the IAM user with the given email address, under
// IAM path path ("" means "/"): arn:{partition}:iam::{account}:user{path}{email}.
// The email is checked with [ValidateEmail]; account must not be empty.
func User(partition, account, path, email string) (ARN, error) {
	if err := ValidateEmail(email); err != nil {
		return ARN{}, err
	}
	return iamEntity(partition, account, "user", path, email)
}

// Group returns the ARN of an IAM group: 1-128 characters of
// [A-Za-z0-9+=,.@_-] under IAM path path ("" means "/").
func Group(partition, account, path, name string) (ARN, error) {
	return named(partition, account, "group", path, name, maxName)
}

// Role returns the ARN of an IAM role: 1-64 characters of
// [A-Za-z0-9+=,.@_-] under IAM path path ("" means "/").
func Role(partition, account, path, name string) (ARN, error) {
	return named(partition, account, "role", path, name, maxRoleName)
}

// Policy returns the ARN of a customer-managed policy: 1-128 characters of
// [A-Za-z0-9+=,.@_-] under IAM path path ("" means "/").
func Policy(partition, account, path, name string) (ARN, error) {
	return named(partition, account, "policy", path, name, maxName)
}

// Root returns the ARN of an account's root identity,
// arn:{partition}:iam::{account}:root.
func Root(partition, account string) (ARN, error) {
	if account == "" {
		return ARN{}, &ParseError{Input: account, Field: "account", Err: ErrMalformed}
	}
	return build(partition, "iam", account, "root")
}

// OIDCProvider returns the ARN of an OpenID Connect provider from its issuer
// URL. The scheme (http or https) and any trailing slash are stripped, as
// IAM does: https://astran.cloud-iam.com/auth/realms/demo becomes
// arn:{partition}:iam::{account}:oidc-provider/astran.cloud-iam.com/auth/realms/demo.
// A bare host/path without a scheme is accepted too. URLs with a query,
// fragment or user info are refused with [ErrInvalidName].
func OIDCProvider(partition, account, issuerURL string) (ARN, error) {
	bad := &ParseError{Input: issuerURL, Field: "url", Err: ErrInvalidName}
	raw := issuerURL
	if i := strings.Index(raw, "://"); i >= 0 {
		if scheme := strings.ToLower(raw[:i]); scheme != "https" && scheme != "http" {
			return ARN{}, bad
		}
	} else {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.User != nil || u.Opaque != "" {
		return ARN{}, bad
	}
	if account == "" {
		return ARN{}, &ParseError{Input: account, Field: "account", Err: ErrMalformed}
	}
	return build(partition, "iam", account, "oidc-provider/"+u.Host+strings.TrimRight(u.EscapedPath(), "/"))
}

// Bucket returns the ARN of an S3 bucket: arn:{partition}:s3:::{bucket}.
// The name is checked with [ValidateBucketName].
func Bucket(partition, bucket string) (ARN, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return ARN{}, err
	}
	return build(partition, "s3", "", bucket)
}

// Object returns the ARN of an S3 object: arn:{partition}:s3:::{bucket}/{key}.
// The key must be 1-1024 bytes of valid UTF-8.
func Object(partition, bucket, key string) (ARN, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return ARN{}, err
	}
	if key == "" || len(key) > maxKey || !utf8.ValidString(key) {
		return ARN{}, &ParseError{Input: key, Field: "key", Err: ErrInvalidName}
	}
	return build(partition, "s3", "", bucket+"/"+key)
}

func named(partition, account, kind, path, name string, maxLen int) (ARN, error) {
	if name == "" || len(name) > maxLen || !nameOK(name) {
		return ARN{}, &ParseError{Input: name, Field: "name", Err: ErrInvalidName}
	}
	return iamEntity(partition, account, kind, path, name)
}

func iamEntity(partition, account, kind, path, name string) (ARN, error) {
	p, err := cleanPath(path)
	if err != nil {
		return ARN{}, err
	}
	if account == "" {
		return ARN{}, &ParseError{Input: account, Field: "account", Err: ErrMalformed}
	}
	return build(partition, "iam", account, kind+p+name)
}

// nameOK reports whether s only uses the characters IAM allows in names:
// [A-Za-z0-9+=,.@_-].
func nameOK(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// cleanPath validates an IAM path ("" means "/") and returns it: 1-512
// printable ASCII characters, starting and ending with "/", no empty element.
func cleanPath(path string) (string, error) {
	if path == "" {
		return "/", nil
	}
	if len(path) > maxPath || path[0] != '/' || path[len(path)-1] != '/' || strings.Contains(path, "//") {
		return "", &ParseError{Input: path, Field: "path", Err: ErrInvalidPath}
	}
	for i := 0; i < len(path); i++ {
		if c := path[i]; c < 0x21 || c > 0x7e {
			return "", &ParseError{Input: path, Field: "path", Err: ErrInvalidPath}
		}
	}
	return path, nil
}

// ValidateEmail reports whether email is usable as an Astran user name: a
// bare address (no display name, no angle brackets, no quoting) with a local
// part and a dotted-or-not domain, at most 64 bytes (IAM's user-name limit),
// using only the characters IAM allows in names ([A-Za-z0-9+=,.@_-]). The
// error is a [*ParseError] wrapping [ErrInvalidEmail].
func ValidateEmail(email string) error {
	bad := &ParseError{Input: email, Field: "email", Err: ErrInvalidEmail}
	if email == "" || len(email) > maxUserName || !nameOK(email) {
		return bad
	}
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" || strings.IndexByte(domain, '@') >= 0 ||
		domain[0] == '.' || domain[len(domain)-1] == '.' || strings.Contains(domain, "..") {
		return bad
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return bad
	}
	return nil
}

// ValidateBucketName checks S3's bucket naming rules as Astran documents
// them: 3-63 characters of lowercase letters, digits, dots and hyphens,
// starting and ending with a letter or digit, without "..". The error is a
// [*ParseError] wrapping [ErrInvalidName].
func ValidateBucketName(b string) error {
	// The error is built only on failure: valid names do not allocate.
	bad := func() error { return &ParseError{Input: b, Field: "bucket", Err: ErrInvalidName} }
	if len(b) < minBucketName || len(b) > maxBucketName {
		return bad()
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return bad()
		}
	}
	if first, last := b[0], b[len(b)-1]; first == '.' || first == '-' || last == '.' || last == '-' {
		return bad()
	}
	if strings.Contains(b, "..") {
		return bad()
	}
	return nil
}
