// Package iamclient manages Astran users, groups, roles and policies through
// Astran's IAM API (the AWS IAM Query API), with typed Go calls built on
// github.com/aws/aws-sdk-go-v2/service/iam.
//
// # Client
//
// [New] takes an aws.Config (credentials, e.g. from the sts package, and
// region) and the [Options]. The endpoint defaults to
// https://{partition}.iam.astran.io; [Options.BaseEndpoint] or
// $ASTRAN_IAM_ENDPOINT point it anywhere else (moto_server, the
// emulator):
//
//	c := iamclient.New(cfg, func(o *iamclient.Options) { o.Partition = "demo" })
//	bob, err := c.CreateUser(ctx, "bob@astran.io")
//
// # Entities
//
// Users are named by email address ([Client.CreateUser] validates it locally
// before sending; Astran then mails the user to verify it and set a
// password). Groups hold users and carry policies ([Client.AttachGroupPolicy]).
// Managed policies are created from a *policy.Document, validated locally
// first; IAM's URL-encoded documents are decoded back into *policy.Document.
// Roles with trust policies and OpenID Connect providers serve external
// identity providers.
//
// Results are typed ([User], [Group], [Policy], [PolicyVersion], [Role],
// [OIDCProvider]) with parsed arn.ARN values and time.Time dates. List
// operations come in two forms: an iterator over all pages
// ([Client.Users]) and a slice helper ([Client.ListUsers]).
//
// # Deletion
//
// IAM refuses to delete a user, group, role or policy that still has
// attachments. The delete methods take a Cascade (or Detach) option that
// removes them first; the cascade is a series of calls, not a transaction.
// [Client.DeletePolicy] always deletes the non-default versions first.
//
// # Built-ins
//
// Astran's built-in policies and groups, their names and ARNs, are defined
// in package [github.com/astran-oss/astran-go/builtin]; a built-in policy
// lives at arn:astran:iam::astran:policy/<Name>. Built-ins can be attached
// but not changed: calls that would modify or delete anything in Astran's
// built-in account fail locally with [ErrBuiltin].
//
// # Errors
//
// Every error is an *[Error] carrying the operation, the entity and a
// category usable with errors.Is: [ErrNotFound], [ErrAlreadyExists],
// [ErrDeleteConflict], [ErrLimitExceeded], [ErrAccessDenied],
// [ErrInvalidInput], [ErrBuiltin]. The SDK error stays in the chain, so
// errors.As reaches smithy.APIError for the raw IAM code.
//
// # Testing
//
// Package iamclienttest holds the integration suite run against moto_server
// and the emulator. For unit tests, implement [API] with function
// fakes and pass it as [Options.API].
package iamclient
