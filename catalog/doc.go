// Package catalog describes the services Astran exposes: their actions,
// resource types (with ARN formats) and condition keys (with types).
//
// The data comes from AWS's Service Authorization Reference (see [Source]
// and [SourceDate]), restricted to what Astran documents: the S3 actions
// Astran lists, the IAM actions on the IAM entities Astran documents
// (users, groups, roles, policies, OIDC providers), the STS actions of
// role assumption, and the aws:* global condition keys. Astran's kits
// service (ck) is known but open: Astran publishes no list of its actions.
//
// Lookups never allocate, so a service can check an action name at
// start-up or on every request:
//
//	if _, ok := catalog.LookupAction("s3:GetObject"); !ok { ... }
//
// Action names are looked up as written ([LookupAction], case-sensitive,
// as Astran compares them) or case-insensitively ([LookupActionFold], as
// AWS does); condition keys always case-insensitively, and a key such as
// "aws:RequestTag/team" finds its template "aws:RequestTag/${TagKey}".
//
// The values of this package ([Service], [Action], [ResourceType],
// [ConditionKey]) are small comparable handles into read-only tables; their
// zero values are invalid (IsValid reports false) and their methods return
// zero results.
package catalog

//go:generate go run ./internal/gen
