package policy

import "github.com/astran-oss/astran-go/policy/types"

// The request side of the data model (requests, their context, results and
// policy types) lives in package types; these aliases make it part of this
// package's API. Each name is documented there.

// Request is an authorization request. See [types.Request].
type Request = types.Request

// Context holds the condition keys of a request. See [types.Context].
type Context = types.Context

// ContextFromMap returns a Context holding a copy of m. See
// [types.ContextFromMap].
func ContextFromMap(m map[string][]string) Context { return types.ContextFromMap(m) }

// Decision is the outcome of an evaluation. See [types.Decision].
type Decision = types.Decision

// The decisions. See [types.ImplicitDeny].
const (
	// ImplicitDeny: no statement allows the request. See [types.ImplicitDeny].
	ImplicitDeny = types.ImplicitDeny
	// ExplicitDeny: a Deny statement matches. See [types.ExplicitDeny].
	ExplicitDeny = types.ExplicitDeny
	// Allow: an Allow statement matches and no Deny does. See [types.Allow].
	Allow = types.Allow
)

// ErrInvalidDecision is returned by [types.Decision.UnmarshalText] for
// unknown text. See [types.ErrInvalidDecision].
var ErrInvalidDecision = types.ErrInvalidDecision

// Result is the outcome of [Set.Evaluate] and [Policies.Evaluate]. See
// [types.Result].
type Result = types.Result

// MatchedStatement identifies a statement in a [Set]. See
// [types.MatchedStatement].
type MatchedStatement = types.MatchedStatement

// PolicyType is a type of policy in AWS's evaluation logic. See
// [types.PolicyType].
type PolicyType = types.PolicyType

// The policy types [Policies.Evaluate] combines, in its order. See
// [types.IdentityBased].
const (
	// IdentityBased: the principal's policies. See [types.IdentityBased].
	IdentityBased = types.IdentityBased
	// PermissionsBoundary: the principal's permissions boundary. See
	// [types.PermissionsBoundary].
	PermissionsBoundary = types.PermissionsBoundary
	// SessionPolicy: the session's policy. See [types.SessionPolicy].
	SessionPolicy = types.SessionPolicy
	// ResourceBased: the resource's policy. See [types.ResourceBased].
	ResourceBased = types.ResourceBased
)

// ErrInvalidPolicyType is returned by [types.PolicyType.UnmarshalText] for
// unknown text. See [types.ErrInvalidPolicyType].
var ErrInvalidPolicyType = types.ErrInvalidPolicyType
