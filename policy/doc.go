// Package policy parses, validates and evaluates IAM policy documents with
// the semantics of AWS IAM, in Astran's dialect or in AWS's.
//
// A Go service or test hands it policy documents and a request and gets the
// answer Astran's IAM would give, with the reason, in nanoseconds:
//
//	doc, err := policy.Parse(data)                          // strict JSON grammar
//	set, err := policy.Compile([]policy.Policy{{ID: "p", Document: doc}})
//	res := set.Evaluate(&policy.Request{Action: "s3:GetObject", Resource: "arn:demo:s3:::b/k"})
//	res.Allowed(), res.Decision, res.Statements, res.MissingContextKeys
//
// # Grammar
//
// [Parse] accepts the AWS JSON policy language: Version, Id and Statement
// (one object or an array); in a statement Sid, Effect ("Allow" or "Deny",
// case-sensitive), Principal or NotPrincipal ("*" or an object of "AWS",
// "Federated" and "Service" lists), Action or NotAction, Resource or
// NotResource (a string or an array of strings) and Condition. Parsing is
// strict: unknown elements, duplicate JSON keys, conflicting elements,
// missing required elements (Effect, Action, and Resource unless the
// statement has a Principal, as trust policies do), values of the wrong type,
// unknown condition operators, malformed condition values (numbers, dates,
// booleans, CIDRs, base64) and duplicate Sids are errors. Every problem of a
// document is reported at once in an [ErrorList] of [ValidationError]s,
// each with the JSON path of the culprit (such as
// `Statement[2].Condition.DateGreaterThan["aws:CurrentTime"]`) and its line
// and column; malformed JSON gives a [SyntaxError] with line and column. The
// errors wrap sentinels such as [ErrUnknownField] and [ErrInvalidType] for
// [errors.Is]. Documents over [types.ParseOptions.MaxSize] characters (6,144 by
// default, IAM's limit for managed policies; whitespace outside strings is
// not counted) are rejected with a [SizeError], and JSON nested deeper than
// any policy can be with [ErrTooDeep], so hostile input can exhaust neither
// the stack nor memory. [types.Document.MarshalJSON] writes JSON that parses back
// to an equal [Document].
//
// # Dialects
//
// [Astran], the default, follows Astran's documentation: Version must be
// "2012-10-17", and action names compare case-sensitively ("iam:ListAccessKeys"
// is not "IAM:listaccesskeys"). [AWS] follows Amazon: action names compare
// case-insensitively, and Version may also be "2008-10-17" or absent, in
// which case policy variables are literal text. Everything else is
// identical. Choose the dialect with [types.ParseOptions.Dialect] and
// [types.CompileOptions.Dialect].
//
// # Evaluation
//
// [Compile] turns policies into an immutable [Set], safe for concurrent use.
// [Set.Evaluate] applies AWS's evaluation logic (AWS IAM User Guide: "Policy
// evaluation logic"):
//
//   - An explicit Deny in any statement wins ([ExplicitDeny]); otherwise a
//     matching Allow allows ([Allow]); otherwise the request is
//     denied by default ([ImplicitDeny], the zero [Decision]). Statement and
//     policy order never matter.
//   - A statement matches when its principal, action, resource and condition
//     all match. NotAction and NotResource match everything except what they
//     list: Allow with NotAction grants every other action, Deny with
//     NotAction denies every other action. A statement without Resource (a
//     trust policy) matches every resource.
//   - In actions and resources "*" matches any run of characters, including
//     none, and "?" exactly one character. Matching is linear-time, never
//     backtracks and never uses regular expressions. Resources compare
//     case-sensitively and segment by segment: a wildcard stays inside its
//     colon-separated ARN segment, except in the resource segment (after the
//     fifth colon) and except a trailing "*" of a pattern with fewer than
//     six segments, which matches the rest of the value ("arn:demo:*").
//   - Policy variables (IAM User Guide: "IAM policy elements: Variables and
//     tags") are expanded in Resource, NotResource and condition values:
//     ${aws:username} takes the value of that context key, ${key, 'default'}
//     falls back to the default, and ${*}, ${?} and ${$} stand for literal
//     "*", "?" and "$". A substituted value is literal text: a user name "*"
//     is not a wildcard. A variable whose key is absent, present without a
//     value or multivalued (such keys cannot be variables) and that has no
//     default makes its resource entry match nothing, and its condition
//     value match nothing.
//   - Principal and NotPrincipal are evaluated against the Principal of a
//     [types.Request] (a principal ARN, or for a federated caller the
//     identity provider's ARN): "*" and {"AWS": "*"} match everyone; an
//     account ID or an account root ARN ("arn:demo:iam::ACCOUNT:root")
//     matches every principal of that account; a role ARN also matches the
//     role's sessions ("arn:demo:sts::ACCOUNT:assumed-role/NAME/SESSION");
//     other entries (user ARNs, OIDC provider ARNs, service names) match
//     exactly. A statement without them matches any principal.
//
// # Policy types
//
// [Set.Evaluate] decides on one set of policies. [Policies] combines the
// sets of every policy type that applies to a request, each compiled once:
// identity-based policies, permissions boundary, session policy and
// resource-based policy (a bucket policy, a role's trust policy).
// [Policies.Evaluate] follows AWS's "Policy evaluation logic" and
// "Cross-account policy evaluation logic": an explicit Deny anywhere wins;
// a boundary and a session policy only limit; in the same account an
// Allow of the identity side or of the resource-based policy suffices (a
// resource-based Allow naming the user or session itself is not limited
// by the boundary or session policy, one naming the role ARN is); across
// accounts both must allow; an anonymous request (Principal "") is allowed
// only by a resource-based policy allowing "*". The [Result] says which
// [PolicyType] decided ([Result.DecidedBy]), the type of each statement,
// and for an implicit deny which type lacked an Allow
// ([Result.MissingAllow]). Combining the sets does not allocate.
//
// # Conditions
//
// Condition keys compare case-insensitively. Several values for one key
// OR together; several keys, and several operators, AND together; negated
// operators (StringNotEquals, NotIpAddress, ArnNotLike, ...) are the NOR of
// the positive comparison over the policy values. The operators are
// String(Not)Equals(IgnoreCase), String(Not)Like, NumericEquals,
// NumericNotEquals, NumericLessThan(Equals), NumericGreaterThan(Equals), the
// same six Date operators (ISO 8601 or POSIX epoch seconds), Bool,
// BinaryEquals (base64), IpAddress and NotIpAddress (IPv4 and IPv6 CIDRs; a
// bare address is a /32 or /128), ArnEquals, ArnLike, ArnNotEquals and
// ArnNotLike (segment by segment, as resources), and Null. Every operator
// but Null takes the IfExists suffix and the ForAllValues: and ForAnyValue:
// qualifiers. A request value that is not a number (a date, an address, a
// boolean) never satisfies a numeric (date, IP, Bool) comparison.
//
// A key missing from the request makes positive operators and ForAnyValue
// false, and negated operators, ...IfExists and every ForAllValues true; Null
// tests exactly presence. Keys referenced by matching statements but
// missing from the request are listed in [Result.MissingContextKeys], like
// the policy simulator's MissingContextValues.
//
// Multivalued keys ("Single-valued vs multivalued context keys"):
// ForAnyValue:Op is true when at least one request value satisfies Op, and
// ForAllValues:Op when every request value does (also when there is none).
// With a negated operator the qualifier applies the negated operator to
// each request value; it does not negate the positive result, so
// ForAllValues:StringNotLike {"aws:TagKeys": "key1*"} is true for
// ["key2:audit"] and false for ["key1:legal"], as in AWS's aws:TagKeys
// table. AWS does not document an unqualified operator on a multivalued
// key; this package compares value by value: a positive operator is true
// when any request value matches any policy value, and a negated operator
// is the negation of that (true only when no request value matches). A key
// present with no values satisfies no positive operator.
//
// # Requests and speed
//
// A [Request] carries the principal, action and resource strings and a
// [Context]; the engine derives nothing from them (filling aws:username
// from the caller is the caller's job). A Context is a small case-insensitive
// list: setting single-valued keys does not allocate once it has capacity,
// and [types.Context.Reset] reuses it. Statements are indexed by the actions they
// name literally and by the literal heads of their wildcard patterns (such
// as "s3:Get" for "s3:Get*"); every action named literally gets a
// precomputed candidate list. A long candidate list is in turn indexed by
// the literal heads of its statements' Resource patterns (the text before
// the first wildcard or variable, such as "arn:aws:s3:::logs/" for
// "arn:aws:s3:::logs/*"), so that only statements whose heads start the
// request's resource are tested, and a set of 10,000 statements over a few
// actions evaluates nearly as fast as a small one. [Set.EvaluateInto]
// reuses a [Result] and does not allocate unless a policy variable expands
// to more than 256 bytes (variables expand into a buffer on the stack).
//
// # Built-in policies
//
// The documents of Astran's built-in policies (AstranAdmin, ...), their
// names and ARNs live in package [github.com/astran-oss/astran-go/builtin].
package policy
