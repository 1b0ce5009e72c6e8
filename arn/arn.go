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
// String forms are equal.
package arn

import (
	"errors"
	"net/mail"
	"net/url"
	"strings"

	awsarn "github.com/aws/aws-sdk-go-v2/aws/arn"
)

// BuiltinAccount is the account of Astran's built-in policies and groups.
const BuiltinAccount = "astran"

// BuiltinPartition is the partition of Astran's built-in policies and groups.
const BuiltinPartition = "astran"

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

func quote(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max] + "..."
	}
	return `"` + s + `"`
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
// keeps everything after the fifth colon as the resource.
func Parse(s string) (ARN, error) {
	var a ARN
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ARN{}, &ParseError{Input: s, Field: "prefix", Err: ErrMalformed}
	}
	var fields [4]string
	names := [4]string{"partition", "service", "region", "account"}
	for i := range fields {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ARN{}, &ParseError{Input: s, Field: names[i], Err: ErrMalformed}
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
// are set and no field but the resource contains a colon.
func (a ARN) IsValid() bool {
	return a.Partition != "" && a.Service != "" && a.Resource != "" &&
		!strings.Contains(a.Partition, ":") && !strings.Contains(a.Service, ":") &&
		!strings.Contains(a.Region, ":") && !strings.Contains(a.Account, ":")
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
	if !a.IsValid() {
		return nil, &ParseError{Input: a.String(), Field: "resource", Err: ErrMalformed}
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

// FromAWS converts an aws-sdk-go-v2 ARN, validating it.
func FromAWS(x awsarn.ARN) (ARN, error) {
	a := ARN{Partition: x.Partition, Service: x.Service, Region: x.Region, Account: x.AccountID, Resource: x.Resource}
	if !a.IsValid() {
		return ARN{}, &ParseError{Input: x.String(), Field: "resource", Err: ErrMalformed}
	}
	return a, nil
}

// AWS converts a to the aws-sdk-go-v2 representation.
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
)

// Type returns the kind of resource a names: for IAM the part of the
// resource before the first "/" (or "root"), for S3 a bucket or an object.
// Unknown services or resource kinds give [TypeUnknown].
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
	case "iam", "sts":
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
		case "assumed-role":
			return TypeRole
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
// role or policy; the host and path of an OIDC provider; the bucket of an S3
// bucket ARN and the key's last element of an object ARN; "root" for root.
func (a ARN) Name() string {
	switch a.Type() {
	case TypeUser, TypeGroup, TypeRole, TypePolicy:
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

// IsBuiltin reports whether a names a built-in policy or group: account
// "astran". Astran's documentation writes built-ins both with partition
// "astran" and with the customer's partition; both are accepted.
func (a ARN) IsBuiltin() bool {
	return a.Account == BuiltinAccount && a.Service == "iam"
}

// Constructors. Each validates its inputs and never builds a malformed ARN.

func build(partition, service, account, resource string) (ARN, error) {
	a := ARN{Partition: partition, Service: service, Account: account, Resource: resource}
	switch {
	case partition == "" || strings.ContainsAny(partition, ":/ "):
		return ARN{}, &ParseError{Input: a.String(), Field: "partition", Err: ErrMalformed}
	case strings.ContainsAny(account, ": /"):
		return ARN{}, &ParseError{Input: a.String(), Field: "account", Err: ErrMalformed}
	}
	return a, nil
}

// User returns the ARN of the IAM user with the given email address, under
// IAM path path ("" means "/").
func User(partition, account, path, email string) (ARN, error) {
	if err := ValidateEmail(email); err != nil {
		return ARN{}, err
	}
	p, err := cleanPath(email, path)
	if err != nil {
		return ARN{}, err
	}
	return build(partition, "iam", account, "user"+p+email)
}

// Group returns the ARN of an IAM group.
func Group(partition, account, path, name string) (ARN, error) {
	return named(partition, account, "group", path, name)
}

// Role returns the ARN of an IAM role.
func Role(partition, account, path, name string) (ARN, error) {
	return named(partition, account, "role", path, name)
}

// Policy returns the ARN of a customer-managed policy.
func Policy(partition, account, path, name string) (ARN, error) {
	return named(partition, account, "policy", path, name)
}

// BuiltinPolicy returns the ARN of an Astran built-in policy,
// arn:astran:iam::astran:policy/<name>.
func BuiltinPolicy(name string) (ARN, error) {
	return named(BuiltinPartition, BuiltinAccount, "policy", "", name)
}

// BuiltinGroup returns the ARN of an Astran built-in group,
// arn:astran:iam::astran:group/<name>.
func BuiltinGroup(name string) (ARN, error) {
	return named(BuiltinPartition, BuiltinAccount, "group", "", name)
}

// Root returns the ARN of an account's root identity.
func Root(partition, account string) (ARN, error) {
	if account == "" {
		return ARN{}, &ParseError{Input: "arn:" + partition + ":iam:::root", Field: "account", Err: ErrMalformed}
	}
	return build(partition, "iam", account, "root")
}

// OIDCProvider returns the ARN of an OpenID Connect provider from its issuer
// URL; the scheme and any trailing slash are stripped, as IAM does:
// https://astran.cloud-iam.com/auth/realms/demo becomes
// oidc-provider/astran.cloud-iam.com/auth/realms/demo.
func OIDCProvider(partition, account, issuerURL string) (ARN, error) {
	u, err := url.Parse(issuerURL)
	if err != nil || u.Host == "" {
		// Accept a bare host/path too.
		u, err = url.Parse("https://" + issuerURL)
		if err != nil || u.Host == "" || strings.Contains(issuerURL, "://") {
			return ARN{}, &ParseError{Input: issuerURL, Field: "url", Err: ErrInvalidName}
		}
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return ARN{}, &ParseError{Input: issuerURL, Field: "url", Err: ErrInvalidName}
	}
	return build(partition, "iam", account, "oidc-provider/"+u.Host+strings.TrimRight(u.EscapedPath(), "/"))
}

// Bucket returns the ARN of an S3 bucket: arn:{partition}:s3:::{bucket}.
func Bucket(partition, bucket string) (ARN, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return ARN{}, err
	}
	return build(partition, "s3", "", bucket)
}

// Object returns the ARN of an S3 object: arn:{partition}:s3:::{bucket}/{key}.
func Object(partition, bucket, key string) (ARN, error) {
	if err := ValidateBucketName(bucket); err != nil {
		return ARN{}, err
	}
	if key == "" || len(key) > 1024 {
		return ARN{}, &ParseError{Input: key, Field: "key", Err: ErrInvalidName}
	}
	return build(partition, "s3", "", bucket+"/"+key)
}

func named(partition, account, kind, path, name string) (ARN, error) {
	if err := validateName(name); err != nil {
		return ARN{}, err
	}
	p, err := cleanPath(name, path)
	if err != nil {
		return ARN{}, err
	}
	if account == "" {
		return ARN{}, &ParseError{Input: name, Field: "account", Err: ErrMalformed}
	}
	return build(partition, "iam", account, kind+p+name)
}

// validateName applies IAM's name rules: 1-128 characters of
// [A-Za-z0-9+=,.@_-].
func validateName(name string) error {
	if name == "" || len(name) > 128 {
		return &ParseError{Input: name, Field: "name", Err: ErrInvalidName}
	}
	for i := 0; i < len(name); i++ {
		if !nameByte(name[i]) {
			return &ParseError{Input: name, Field: "name", Err: ErrInvalidName}
		}
	}
	return nil
}

func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("+=,.@_-", c) >= 0
}

// cleanPath validates an IAM path ("" means "/") and returns it.
func cleanPath(name, path string) (string, error) {
	if path == "" {
		return "/", nil
	}
	if len(path) > 512 || path[0] != '/' || path[len(path)-1] != '/' || strings.Contains(path, "//") {
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
// bare address (no display name), with a local part and a domain, within
// IAM's 64-character user-name limit... and the name characters IAM allows.
// The error wraps [ErrInvalidEmail].
func ValidateEmail(email string) error {
	bad := &ParseError{Input: email, Field: "email", Err: ErrInvalidEmail}
	if email == "" || len(email) > 128 {
		return bad
	}
	for i := 0; i < len(email); i++ {
		if !nameByte(email[i]) {
			return bad
		}
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return bad
	}
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return bad
	}
	return nil
}

// ValidateBucketName checks S3's bucket naming rules as Astran documents
// them: 3-63 characters of lowercase letters, digits, dots and hyphens,
// starting and ending with a letter or digit. The error wraps
// [ErrInvalidName].
func ValidateBucketName(b string) error {
	bad := &ParseError{Input: b, Field: "bucket", Err: ErrInvalidName}
	if len(b) < 3 || len(b) > 63 {
		return bad
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return bad
		}
	}
	if first, last := b[0], b[len(b)-1]; first == '.' || first == '-' || last == '.' || last == '-' {
		return bad
	}
	if strings.Contains(b, "..") {
		return bad
	}
	return nil
}
