package policy

import "slices"

// Names of Astran's built-in managed policies.
//
// Deprecated: use the names in package github.com/astran-oss/astran-go/builtin.
const (
	AstranAdmin            = "AstranAdmin"
	AstranKitCreator       = "AstranKitCreator"
	AstranStandardUser     = "AstranStandardUser"
	AstranIntegration      = "AstranIntegration"
	AstranS3ReadOnlyAccess = "AstranS3ReadOnlyAccess"
)

// BuiltinARNPrefix prefixes the name of a built-in policy to form its ARN.
//
// Deprecated: use builtin.PolicyARN (package github.com/astran-oss/astran-go/builtin).
const BuiltinARNPrefix = "arn:astran:iam::astran:policy/"

// builtinDocs holds the built-in documents. Astran publishes the purpose of
// each built-in policy, not its text; these documents are derived from the
// published descriptions (docs.astran.io, "astran-s5-object-storage"):
//
//   - AstranAdmin: "full access to kits, S3 and IAM" (STS included so that
//     administrators can use roles);
//   - AstranKitCreator: "create and modify kits, upload files; no deletion";
//   - AstranStandardUser: "read-only on kits and S3; may upload checklist
//     data; no delete/modify";
//   - AstranIntegration: "manage API keys for integrations and upload data;
//     no deletion";
//   - AstranS3ReadOnlyAccess: "view-only access to all S3 resources".
//
// Kit ("ck:") action names are not published; the documents use wildcards
// over the verbs the descriptions name. Prefer the live document from IAM
// when one is available.
var builtinDocs = map[string]*Document{
	AstranAdmin: {Version: Version2012, Statements: []Statement{{
		Sid: "FullAccess", Effect: EffectAllow,
		Action:   []string{"s3:*", "iam:*", "sts:*", "ck:*"},
		Resource: []string{"*"},
	}}},
	AstranKitCreator: {Version: Version2012, Statements: []Statement{{
		Sid: "CreateAndModifyKits", Effect: EffectAllow,
		Action:   []string{"ck:Create*", "ck:Update*", "ck:Put*", "ck:Upload*", "ck:Get*", "ck:List*", "ck:Describe*"},
		Resource: []string{"*"},
	}, {
		Sid: "UploadFiles", Effect: EffectAllow,
		Action: []string{"s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListAllMyBuckets",
			"s3:GetBucketLocation", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads"},
		Resource: []string{"*"},
	}}},
	AstranStandardUser: {Version: Version2012, Statements: []Statement{{
		Sid: "ReadKits", Effect: EffectAllow,
		Action:   []string{"ck:Get*", "ck:List*", "ck:Describe*"},
		Resource: []string{"*"},
	}, {
		Sid: "UploadChecklistData", Effect: EffectAllow,
		Action:   []string{"ck:UploadChecklist*"},
		Resource: []string{"*"},
	}, {
		Sid: "ReadS3", Effect: EffectAllow,
		Action: []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetBucketLocation", "s3:GetBucketVersioning",
			"s3:ListAllMyBuckets", "s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts"},
		Resource: []string{"*"},
	}}},
	AstranIntegration: {Version: Version2012, Statements: []Statement{{
		Sid: "ManageAPIKeys", Effect: EffectAllow,
		Action:   []string{"iam:CreateAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:GetAccessKeyLastUsed"},
		Resource: []string{"*"},
	}, {
		Sid: "UploadData", Effect: EffectAllow,
		Action: []string{"s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads",
			"s3:ListBucket", "s3:ListAllMyBuckets", "s3:GetBucketLocation", "ck:Upload*"},
		Resource: []string{"*"},
	}}},
	AstranS3ReadOnlyAccess: {Version: Version2012, Statements: []Statement{{
		Sid: "S3ReadOnly", Effect: EffectAllow,
		Action:   []string{"s3:Get*", "s3:List*"},
		Resource: []string{"*"},
	}}},
}

var builtinNames = []string{AstranAdmin, AstranKitCreator, AstranStandardUser, AstranIntegration, AstranS3ReadOnlyAccess}

// Builtin returns a fresh copy of the document of the named built-in
// policy (see [BuiltinNames]); the caller may modify it. The documents are
// derived from Astran's published descriptions, not copied from Astran.
//
// Deprecated: use builtin.Document (package github.com/astran-oss/astran-go/builtin).
func Builtin(name string) (*Document, bool) {
	d, ok := builtinDocs[name]
	if !ok {
		return nil, false
	}
	return d.Clone(), true
}

// BuiltinNames returns the names of the built-in policies, in Astran's
// documentation order.
//
// Deprecated: use builtin.PolicyNames (package github.com/astran-oss/astran-go/builtin).
func BuiltinNames() []string { return slices.Clone(builtinNames) }

// BuiltinPolicy returns the named built-in policy with its ARN
// ("arn:astran:iam::astran:policy/<name>") as ID.
//
// Deprecated: use builtin.Policy (package github.com/astran-oss/astran-go/builtin).
func BuiltinPolicy(name string) (Policy, bool) {
	d, ok := Builtin(name)
	if !ok {
		return Policy{}, false
	}
	return Policy{ID: BuiltinARNPrefix + name, Document: d}, true
}

// Clone returns a deep copy of d.
func (d *Document) Clone() *Document {
	if d == nil {
		return nil
	}
	out := &Document{Version: d.Version, ID: d.ID}
	if d.Statements != nil {
		out.Statements = make([]Statement, len(d.Statements))
		for i := range d.Statements {
			out.Statements[i] = d.Statements[i].Clone()
		}
	}
	return out
}

// Clone returns a deep copy of s.
func (s Statement) Clone() Statement {
	out := s
	out.Principal = s.Principal.Clone()
	out.NotPrincipal = s.NotPrincipal.Clone()
	out.Action = slices.Clone(s.Action)
	out.NotAction = slices.Clone(s.NotAction)
	out.Resource = slices.Clone(s.Resource)
	out.NotResource = slices.Clone(s.NotResource)
	if s.Condition != nil {
		out.Condition = make(Condition, len(s.Condition))
		for op, keys := range s.Condition {
			var m map[string][]string
			if keys != nil {
				m = make(map[string][]string, len(keys))
				for k, v := range keys {
					m[k] = slices.Clone(v)
				}
			}
			out.Condition[op] = m
		}
	}
	return out
}

// Clone returns a deep copy of p (nil for nil).
func (p *Principal) Clone() *Principal {
	if p == nil {
		return nil
	}
	return &Principal{Wildcard: p.Wildcard, AWS: slices.Clone(p.AWS), Federated: slices.Clone(p.Federated), Service: slices.Clone(p.Service)}
}
