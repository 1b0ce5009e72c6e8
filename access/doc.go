// Package access answers questions about a whole account rather than one
// request: who can do an action on a resource ([Analyzer.WhoCan]), and
// which identities can give themselves wider permissions through IAM
// ([Analyzer.Escalations]), in the manner of PMapper for AWS.
//
// An [Analyzer] reads a [Directory]: a principal.Store that can also list
// the account's entities. A principal.MemoryStore (tests, fixtures loaded
// with principal.LoadFixture) is one; [NewIAMDirectory] makes one of a live
// partition's IAM.
//
// # Conditions
//
// The analyses hold for any request: condition keys that the identity
// determines (aws:username, aws:userid, aws:PrincipalArn,
// aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalTag/…) are decided
// from it, and the keys that an IAM call itself carries (iam:PolicyARN,
// iam:PermissionsBoundary) from the call; every other condition (source
// address, time, request tags, …) is left open and reported with the
// statement it belongs to. A statement whose open conditions could hold
// counts as allowing; a Deny statement with open conditions is reported as
// one that may deny, and only an unconditional Deny excludes an identity.
//
// The account's root identity, which policies cannot limit, is never
// listed.
package access
