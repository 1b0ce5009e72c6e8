// Package builtin is the one home of Astran's built-ins: the account and
// partition that own them, the names of the built-in policies and groups,
// their ARNs, the documents of the built-in policies, and the rules that say
// which spellings of a built-in ARN are accepted.
//
// # Spellings
//
// A built-in is owned by account "astran" and written canonically in
// partition "astran": arn:astran:iam::astran:policy/AstranAdmin
// ([PolicyARN]). Astran's documentation also writes built-ins in the
// customer's own partition (arn:demo:iam::astran:policy/AstranAdmin in
// partition "demo"). [Canonical] accepts exactly these two spellings, with no
// region and no path, and returns the canonical ARN; every other spelling
// (another partition, a region, a path, an unknown name) is an error. A
// policy that names a built-in in a condition (iam:PolicyARN) therefore
// only ever has to name the canonical ARN.
//
// [IsBuiltin] is the wider test: it reports whether an ARN is in Astran's
// own IAM account at all, whatever its spelling, so that callers never
// create, change or delete anything there.
//
// # Documents
//
// Astran publishes the purpose of each built-in policy, not its text. The
// documents served by [Document] and [Policy] are derived from the
// published descriptions (docs.astran.io, "astran-s5-object-storage"):
//
//   - AstranAdmin: "full access to kits, S3 and IAM" (STS included so that
//     administrators can use roles);
//   - AstranKitCreator: "create and modify kits, upload files; no deletion";
//   - AstranStandardUser: "read-only on kits and S3; may upload checklist
//     data; no delete/modify";
//   - AstranIntegration: "manage API keys for integrations and upload data;
//     no deletion" (the keys of the caller's own user only: keys of any
//     user would let an integration mint an administrator's keys);
//   - AstranS3ReadOnlyAccess: "view-only access to all S3 resources".
//
// Kit ("ck:") action names are not published; the documents use wildcards
// over the verbs the descriptions name. Prefer the live document from IAM
// when one is available.
package builtin

import (
	"errors"
	"slices"
	"strconv"

	"github.com/astran-oss/astran-go/arn"
)

// Account is the account that owns Astran's built-in policies, groups and
// OIDC provider.
const Account = "astran"

// Partition is the partition of the canonical ARN of a built-in.
const Partition = "astran"

// Names of Astran's built-in managed policies. [PolicyARN] turns one into
// its ARN, [Document] into its document.
const (
	AstranAdmin            = "AstranAdmin"            // full access to kits, S3 and IAM
	AstranKitCreator       = "AstranKitCreator"       // create and modify kits, upload files; no deletion
	AstranStandardUser     = "AstranStandardUser"     // read-only on kits and S3; may upload checklist data
	AstranIntegration      = "AstranIntegration"      // manage integration API keys and upload data; no deletion
	AstranS3ReadOnlyAccess = "AstranS3ReadOnlyAccess" // view-only access to all S3 resources
)

// Names of Astran's built-in groups. [GroupARN] turns one into its ARN.
const (
	GroupAdmin        = "astran-admin-user"
	GroupKitCreator   = "astran-kit-creator-user"
	GroupStandardUser = "astran-standard-user"
	GroupIntegration  = "astran-integration-user"
	GroupS3ReadOnly   = "astran-s3-read-only"
)

var (
	policyNames = []string{AstranAdmin, AstranKitCreator, AstranStandardUser, AstranIntegration, AstranS3ReadOnlyAccess}
	groupNames  = []string{GroupAdmin, GroupKitCreator, GroupStandardUser, GroupIntegration, GroupS3ReadOnly}
)

// PolicyNames returns the names of the built-in policies, in Astran's
// documentation order. The slice is the caller's.
func PolicyNames() []string { return slices.Clone(policyNames) }

// GroupNames returns the names of the built-in groups, in Astran's
// documentation order. The slice is the caller's.
func GroupNames() []string { return slices.Clone(groupNames) }

// PolicyARN returns arn:astran:iam::astran:policy/<name>, the canonical ARN
// of a built-in policy such as [AstranAdmin]. It does not check that name is
// a known built-in; [Canonical] does.
func PolicyARN(name string) arn.ARN {
	return arn.ARN{Partition: Partition, Service: "iam", Account: Account, Resource: "policy/" + name}
}

// GroupARN returns arn:astran:iam::astran:group/<name>, the canonical ARN of
// a built-in group such as [GroupAdmin]. It does not check that name is a
// known built-in; [Canonical] does.
func GroupARN(name string) arn.ARN {
	return arn.ARN{Partition: Partition, Service: "iam", Account: Account, Resource: "group/" + name}
}

// IsBuiltin reports whether a is in Astran's own IAM account (service
// "iam", account "astran"), in any partition and of any type: something a
// customer can neither create, change nor delete. It does not say that a
// names an existing built-in, nor that its spelling is accepted: use
// [Canonical] for that.
func IsBuiltin(a arn.ARN) bool {
	return a.Service == "iam" && a.Account == Account
}

// Sentinel errors of [Canonical]; every error it returns is an [*ARNError]
// wrapping one of them.
var (
	// ErrNotBuiltin reports an ARN outside Astran's built-in account: a
	// customer's own entity (or no IAM entity at all).
	ErrNotBuiltin = errors.New("not in Astran's built-in account")
	// ErrSpelling reports a spelling of a built-in ARN that is not
	// accepted: a partition other than "astran" or the caller's own, a
	// region, or a path.
	ErrSpelling = errors.New("spelling of a built-in ARN not accepted")
	// ErrUnknown reports an ARN in the built-in account that names no
	// built-in policy or group.
	ErrUnknown = errors.New("no such built-in")
)

// ARNError describes an ARN that [Canonical] refused.
type ARNError struct {
	ARN   string // the ARN as given
	Field string // "account" (with ErrNotBuiltin), "partition", "region", "path" (ErrSpelling), "resource", "name" (ErrUnknown)
	Err   error  // ErrNotBuiltin, ErrSpelling or ErrUnknown
}

// Error implements the error interface.
func (e *ARNError) Error() string {
	return "builtin: " + strconv.Quote(e.ARN) + ": " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns the category sentinel.
func (e *ARNError) Unwrap() error { return e.Err }

// Canonical returns the canonical ARN (partition "astran", no region, no
// path) of the built-in policy or group that a names, accepting a only when
// it is written with partition "astran" or with partition own (the caller's
// own partition; "" accepts partition "astran" only), no region and no
// path, and names a known built-in policy or group.
//
// Otherwise it returns an [*ARNError] wrapping [ErrNotBuiltin] (a is not in
// the built-in account: look it up among the customer's entities),
// [ErrSpelling] or [ErrUnknown] (a is in the built-in account but is not an
// accepted name of a built-in: refuse it, and never fall back to a
// customer lookup).
func Canonical(a arn.ARN, own string) (arn.ARN, error) {
	fail := func(field string, err error) (arn.ARN, error) {
		return arn.ARN{}, &ARNError{ARN: a.String(), Field: field, Err: err}
	}
	if !IsBuiltin(a) {
		return fail("account", ErrNotBuiltin)
	}
	if a.Partition != Partition && (own == "" || a.Partition != own) {
		return fail("partition", ErrSpelling)
	}
	if a.Region != "" {
		return fail("region", ErrSpelling)
	}
	var names []string
	switch a.Type() {
	case arn.TypePolicy:
		names = policyNames
	case arn.TypeGroup:
		names = groupNames
	default:
		return fail("resource", ErrUnknown)
	}
	if a.Path() != "/" {
		return fail("path", ErrSpelling)
	}
	name := a.Name()
	if !slices.Contains(names, name) {
		return fail("name", ErrUnknown)
	}
	if a.Type() == arn.TypeGroup {
		return GroupARN(name), nil
	}
	return PolicyARN(name), nil
}
