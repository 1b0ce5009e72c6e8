package types

import "strconv"

// Dialect selects the flavour of the policy language.
type Dialect uint8

const (
	// Astran is Astran's dialect, the default: Version must be "2012-10-17"
	// and action names compare case-sensitively.
	Astran Dialect = iota
	// AWS is Amazon's dialect: action names compare case-insensitively, and
	// Version may be "2012-10-17", "2008-10-17" or absent (in the last two
	// cases policy variables are literal text).
	AWS
)

// String returns "Astran" or "AWS".
func (d Dialect) String() string {
	switch d {
	case Astran:
		return "Astran"
	case AWS:
		return "AWS"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

// Effect is the effect of a statement: [EffectAllow] or [EffectDeny].
type Effect string

// The two effects. They are case-sensitive in policy documents.
const (
	EffectAllow Effect = "Allow"
	EffectDeny  Effect = "Deny"
)

// Version strings of the policy language.
const (
	// Version2012 is the current policy language version. Policy variables
	// are only expanded in documents of this version.
	Version2012 = "2012-10-17"
	// Version2008 is the legacy version, accepted by the [AWS] dialect only.
	Version2008 = "2008-10-17"
)

// Document is an IAM policy document. Its zero value is not valid (it has no
// statement). A Document built in Go can be checked with [Document.Validate];
// one returned by [Parse] is valid. Documents marshal to JSON (see
// [Document.MarshalJSON]) that parses back to an equal Document.
type Document struct {
	// Version is the policy language version: "2012-10-17", or, in the AWS
	// dialect, "2008-10-17" or "" (absent).
	Version string
	// ID is the optional "Id" element; "" means absent.
	ID string
	// Statements are the statements; at least one is required.
	Statements []Statement
}

// Statement is one statement of a [Document].
type Statement struct {
	// Sid is the optional statement ID; "" means absent. Sids must be unique
	// within a document.
	Sid string
	// Effect is Allow or Deny; required.
	Effect Effect
	// Principal and NotPrincipal (at most one of them) restrict the
	// principals the statement applies to; they are used in trust and
	// resource policies. nil means absent.
	Principal, NotPrincipal *Principal
	// Action and NotAction (exactly one of them) list action patterns such
	// as "s3:GetObject", "s3:Get*" or "*".
	Action, NotAction []string
	// Resource and NotResource (exactly one of them, unless the statement has
	// a Principal or NotPrincipal, as in a trust policy) list resource ARN
	// patterns; they may contain policy variables.
	Resource, NotResource []string
	// Condition is the optional condition block; nil means absent.
	Condition Condition
}

// Condition is a condition block: operator (such as "StringEquals" or
// "ForAnyValue:StringLike") to condition key to values. JSON booleans and
// numbers in a document are kept as their literal text ("true", "10").
// Condition keys compare case-insensitively.
type Condition map[string]map[string][]string

// Principal is the value of a Principal or NotPrincipal element.
type Principal struct {
	// Wildcard is true for "Principal": "*" (everyone). It excludes the
	// other fields.
	Wildcard bool
	// AWS lists account IDs, account root ARNs ("arn:…:iam::ACCOUNT:root"),
	// user and role ARNs, or "*".
	AWS []string
	// Federated lists identity providers, such as OIDC provider ARNs.
	Federated []string
	// Service lists service principals.
	Service []string
}

// ParseOptions configures [Parse] and [Document.Validate].
type ParseOptions struct {
	// Dialect selects the language flavour; the zero value is [Astran].
	Dialect Dialect
	// MaxSize is the largest accepted document, counted in characters
	// excluding whitespace outside strings, as IAM counts. Zero means
	// [DefaultMaxSize] (6,144, IAM's limit for managed policies); a negative
	// value means no limit.
	MaxSize int
}

// DefaultMaxSize is the default document size limit, in characters: IAM's
// limit for managed policies.
const DefaultMaxSize = 6144

// CompileOptions configures [github.com/astran-oss/astran-go/policy.Compile].
type CompileOptions struct {
	// Dialect selects the language flavour; the zero value is [Astran].
	// Documents are validated for this dialect.
	Dialect Dialect
}

// Policy is a named document, as given to
// [github.com/astran-oss/astran-go/policy.Compile].
type Policy struct {
	// ID names the policy in results: an ARN string, or for example
	// "user/bob@astran.io/inline/Name".
	ID string
	// Document is the policy text; required.
	Document *Document
}
