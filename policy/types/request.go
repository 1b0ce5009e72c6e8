package types

import (
	"errors"
	"strconv"
)

// Request is an authorization request.
type Request struct {
	// Principal is the caller's ARN (for a federated caller, the identity
	// provider's ARN). It is only used by statements with a Principal or
	// NotPrincipal element; "" matches only "Principal": "*". For
	// [github.com/astran-oss/astran-go/policy.Policies.Evaluate], "" is an
	// anonymous (unsigned) request, and a role ARN stands for a session of that
	// role.
	Principal string
	// Action is the action, such as "s3:GetObject".
	Action string
	// Resource is the resource ARN, such as "arn:demo:s3:::bucket/key".
	Resource string
	// ResourceAccount is the account that owns the resource, for
	// [github.com/astran-oss/astran-go/policy.Policies.Evaluate]. "" means the
	// account of the Resource ARN, or if it names none (as S3 ARNs do), the
	// principal's account.
	ResourceAccount string
	// Context holds the condition keys. The engine uses it exactly as given
	// and derives nothing from the other fields.
	Context Context
}

// Decision is the outcome of an evaluation. The zero value, ImplicitDeny,
// denies.
type Decision uint8

// The decisions.
const (
	// ImplicitDeny: no statement allows the request (denied by default).
	ImplicitDeny Decision = iota
	// ExplicitDeny: a Deny statement matches the request.
	ExplicitDeny
	// Allow: an Allow statement matches and no Deny statement does.
	Allow
)

// String returns "ImplicitDeny", "ExplicitDeny" or "Allow".
func (d Decision) String() string {
	switch d {
	case ImplicitDeny:
		return "ImplicitDeny"
	case ExplicitDeny:
		return "ExplicitDeny"
	case Allow:
		return "Allow"
	}
	return "Decision(" + strconv.Itoa(int(d)) + ")"
}

// ErrInvalidDecision is returned by [Decision.UnmarshalText] for unknown text.
var ErrInvalidDecision = errors.New("invalid decision")

// MarshalText returns the String form.
func (d Decision) MarshalText() ([]byte, error) {
	if d > Allow {
		return nil, ErrInvalidDecision
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses the String form.
func (d *Decision) UnmarshalText(b []byte) error {
	switch string(b) {
	case "ImplicitDeny":
		*d = ImplicitDeny
	case "ExplicitDeny":
		*d = ExplicitDeny
	case "Allow":
		*d = Allow
	default:
		return errors.Join(ErrInvalidDecision, errors.New("policy: unknown decision "+strconv.Quote(string(b))))
	}
	return nil
}

// Result is the outcome of
// [github.com/astran-oss/astran-go/policy.Set.Evaluate].
type Result struct {
	// Decision is the decision.
	Decision Decision `json:"decision"`
	// Statements are the statements that decided: every matching Deny
	// statement for ExplicitDeny, every matching Allow statement for Allow,
	// none for ImplicitDeny. They are ordered by policy, then statement.
	Statements []MatchedStatement `json:"statements,omitempty"`
	// MissingContextKeys are the condition keys (as written in the policy)
	// that statements matching the principal, action and resource referenced
	// but the request context lacked, like the AWS policy simulator's
	// MissingContextValues. Sorted, without duplicates (case-insensitively).
	MissingContextKeys []string `json:"missingContextKeys,omitempty"`
	// DecidedBy is, from
	// [github.com/astran-oss/astran-go/policy.Policies.Evaluate], the policy
	// type that decided an Allow (the type whose Allow granted; [ResourceBased]
	// when the resource-based policy had to allow) or an ExplicitDeny (the
	// first type, in the order of
	// [github.com/astran-oss/astran-go/policy.Policies], with a matching Deny).
	// Zero for an ImplicitDeny and from
	// [github.com/astran-oss/astran-go/policy.Set.Evaluate].
	DecidedBy PolicyType `json:"decidedBy,omitempty"`
	// MissingAllow is, from
	// [github.com/astran-oss/astran-go/policy.Policies.Evaluate] for an
	// ImplicitDeny, the policy type that lacked an Allow: the first of
	// identity-based policies, permissions boundary, session policy and
	// resource-based policy whose Allow was needed and missing.
	MissingAllow PolicyType `json:"missingAllow,omitempty"`
}

// Allowed reports whether the decision is Allow.
func (r Result) Allowed() bool { return r.Decision == Allow }

// MatchedStatement identifies a statement in a
// [github.com/astran-oss/astran-go/policy.Set].
type MatchedStatement struct {
	// Policy is the ID of the policy, as given to Compile.
	Policy string `json:"policy"`
	// PolicyIndex is the index of the policy in the slice given to Compile.
	PolicyIndex int `json:"-"`
	// Sid is the statement's Sid ("" if none).
	Sid string `json:"sid"`
	// Index is the statement's index in its document.
	Index int `json:"index"`
	// Effect is the statement's effect.
	Effect Effect `json:"effect"`
	// Type is the type of the statement's policy, from
	// [github.com/astran-oss/astran-go/policy.Policies.Evaluate]; zero from
	// [github.com/astran-oss/astran-go/policy.Set.Evaluate].
	Type PolicyType `json:"type,omitempty"`
}

// PolicyType is a type of policy in AWS's evaluation logic. The zero value
// stands for no type (the statements of
// [github.com/astran-oss/astran-go/policy.Set.Evaluate]).
type PolicyType uint8

// The policy types [github.com/astran-oss/astran-go/policy.Policies.Evaluate]
// combines, in its order.
const (
	// IdentityBased: the policies attached to the user (directly or
	// through groups) or to the role.
	IdentityBased PolicyType = iota + 1
	// PermissionsBoundary: the managed policy set as the user's or
	// role's permissions boundary. It only limits.
	PermissionsBoundary
	// SessionPolicy: the policy passed when the session was created (such
	// as Policy and PolicyArns of AssumeRoleWithWebIdentity). It only
	// limits.
	SessionPolicy
	// ResourceBased: the policy of the resource (a bucket policy, or the
	// trust policy of a role), whose statements name their principals.
	ResourceBased
)

var policyTypeNames = [...]string{"", "identity", "boundary", "session", "resource"}

// String returns "identity", "boundary", "session", "resource", or "" for
// the zero PolicyType.
func (t PolicyType) String() string {
	if int(t) < len(policyTypeNames) {
		return policyTypeNames[t]
	}
	return "PolicyType(" + strconv.Itoa(int(t)) + ")"
}

// ErrInvalidPolicyType is returned by [PolicyType.UnmarshalText] for
// unknown text.
var ErrInvalidPolicyType = errors.New("invalid policy type")

// MarshalText returns the String form.
func (t PolicyType) MarshalText() ([]byte, error) {
	if int(t) >= len(policyTypeNames) {
		return nil, ErrInvalidPolicyType
	}
	return []byte(policyTypeNames[t]), nil
}

// UnmarshalText parses the String form.
func (t *PolicyType) UnmarshalText(b []byte) error {
	for i, n := range policyTypeNames {
		if n == string(b) {
			*t = PolicyType(i)
			return nil
		}
	}
	return errors.Join(ErrInvalidPolicyType, errors.New("policy: unknown policy type "+strconv.Quote(string(b))))
}
