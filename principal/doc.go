// Package principal knows who is calling an Astran service and which
// policies apply to them, and answers the one question a Go service asks:
// may this caller do this action on this resource?
//
// # Model
//
// An [Identity] is an IAM user (named by email, with an ID, path, tags and
// an optional permissions boundary), a role (with a trust policy) or an
// account's root. A [Session] is a set of STS temporary credentials, from
// LoginWithWebIdentity or AssumeRoleWithWebIdentity, standing for a user, a
// role or root. A [Group] gathers users. Managed policies (customer or
// built-in, such as arn:astran:iam::astran:policy/AstranAdmin) and inline
// policies attach to users, groups and roles.
//
// A [Store] answers the lookups: [MemoryStore] keeps everything in memory
// (tests, emulators, JSON fixtures through [LoadFixture]); package
// [github.com/astran-oss/astran-go/principal/iamstore] reads live IAM
// through iamclient and a cache (with a TTL, one refresh per key at a
// time, and stale data served while IAM is unreachable, for at most
// MaxStale). It is a package of its own so that importing principal does
// not link the AWS SDK's IAM client.
//
// # Decisions
//
// An [Authorizer] resolves a [Caller] (an identity ARN, the access key ID
// of a session, or [Anonymous]) and evaluates, with the policy package:
//
//   - the root of one of the store's own accounts (or a session standing
//     for it): always Allow; the root of any other account or partition is
//     an unknown caller, denied with a *[CallerError];
//   - an explicit Deny in any applicable policy wins: the user's own
//     policies, those of every group the user is in, the role's policies for
//     a role session, the permissions boundary, the session's session
//     policy, and the resource-based policy (a bucket policy) that
//     Options.Resources supplies;
//   - Allow needs an Allow in the identity's policies and, when a
//     permissions boundary or session policy is set, also in each of them
//     (they only limit); a resource-based policy that allows the caller
//     grants on its own in the resource's account and is needed too across
//     accounts (AWS's evaluation logic, [policy.Policies]); an anonymous
//     caller is allowed only by a resource-based policy allowing "*";
//   - anything else is an implicit deny. A caller that cannot be resolved
//     (an unknown or expired session, a session whose user was deleted) is
//     denied with a *[CallerError].
//
// Context keys are filled in from the identity (aws:username, aws:userid,
// aws:PrincipalArn, aws:PrincipalTag/…, …) and the clock (aws:CurrentTime,
// aws:EpochTime); keys the request supplies override them.
// [Authorizer.AuthorizeAssumeRole] evaluates a role's trust policy for
// sts:AssumeRoleWithWebIdentity by a federated principal.
//
// Compiled policy sets are cached per caller and rebuilt when what they
// were derived from changes ([ChangeTracker]): a cached decision costs the
// policy engine's evaluation plus a cache lookup, and
// [Authorizer.AuthorizeInto] does not allocate.
//
// # HTTP
//
// [Middleware] authorizes net/http requests, taking the caller from the
// request context ([WithCaller]) or from the SigV4 credential of the
// request, and answers S3-style XML errors (403 AccessDenied). It does not
// verify signatures unless given a MiddlewareOptions.Verify hook.
//
// The principaltest package has testify helpers for users' own tests.
package principal
