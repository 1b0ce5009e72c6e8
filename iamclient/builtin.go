package iamclient

import (
	"slices"
	"strings"

	"github.com/astran-oss/astran-go/arn"
)

// Names of Astran's built-in managed policies. [BuiltinPolicyARN] turns one
// into its ARN.
const (
	AstranAdmin            = "AstranAdmin"            // full access to kits, S3 and IAM
	AstranKitCreator       = "AstranKitCreator"       // create and modify kits, upload files; no deletion
	AstranStandardUser     = "AstranStandardUser"     // read-only on kits and S3; may upload checklist data
	AstranIntegration      = "AstranIntegration"      // manage integration API keys and upload data; no deletion
	AstranS3ReadOnlyAccess = "AstranS3ReadOnlyAccess" // view-only access to all S3 resources
)

// Names of Astran's built-in groups.
const (
	GroupAdmin        = "astran-admin-user"
	GroupKitCreator   = "astran-kit-creator-user"
	GroupStandardUser = "astran-standard-user"
	GroupIntegration  = "astran-integration-user"
	GroupS3ReadOnly   = "astran-s3-read-only"
)

// BuiltinPolicyNames returns the names of Astran's built-in policies.
func BuiltinPolicyNames() []string {
	return []string{AstranAdmin, AstranKitCreator, AstranStandardUser, AstranIntegration, AstranS3ReadOnlyAccess}
}

// BuiltinGroupNames returns the names of Astran's built-in groups.
func BuiltinGroupNames() []string {
	return []string{GroupAdmin, GroupKitCreator, GroupStandardUser, GroupIntegration, GroupS3ReadOnly}
}

// BuiltinPolicyARN returns arn:astran:iam::astran:policy/<name>, the ARN of
// a built-in policy such as [AstranAdmin]. It does not check that name is a
// known built-in.
func BuiltinPolicyARN(name string) arn.ARN {
	return arn.ARN{Partition: arn.BuiltinPartition, Service: "iam", Account: arn.BuiltinAccount, Resource: "policy/" + name}
}

// IsBuiltin reports whether a names a built-in policy or group: an IAM ARN
// in account "astran". Astran's documentation writes built-ins both with
// partition "astran" and with the customer's partition
// (arn:demo:iam::astran:policy/AstranAdmin); both are accepted.
func IsBuiltin(a arn.ARN) bool {
	if a.Service != "iam" || a.Account != arn.BuiltinAccount {
		return false
	}
	return strings.HasPrefix(a.Resource, "policy/") || strings.HasPrefix(a.Resource, "group/")
}

// isBuiltinGroupName reports whether name is one of the built-in groups.
func isBuiltinGroupName(name string) bool {
	return slices.Contains(BuiltinGroupNames(), name)
}
