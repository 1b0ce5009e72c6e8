package lint

// Rule describes one check.
type Rule struct {
	// Code is the stable code of the check's findings.
	Code     string
	Severity Severity
	// Title is a one-line summary.
	Title string
	// Explanation is a paragraph: what is wrong and how to fix it.
	Explanation string
	// AccessAnalyzer and Parliament name the closest check of IAM Access
	// Analyzer's policy validation and of parliament; "" if they have none.
	AccessAnalyzer, Parliament string
}

// Rules returns every check: errors first, then security warnings,
// warnings and suggestions. The slice is a copy.
func Rules() []Rule {
	out := make([]Rule, len(rules))
	copy(out, rules[:])
	return out
}

// LookupRule returns the rule with the given code.
func LookupRule(code string) (Rule, bool) {
	for _, r := range rules {
		if r.Code == code {
			return r, true
		}
	}
	return Rule{}, false
}

// The codes, one constant per check.
const (
	codeInvalidPolicy             = "INVALID_POLICY"
	codeUnknownService            = "UNKNOWN_SERVICE"
	codeUnknownAction             = "UNKNOWN_ACTION"
	codeActionCase                = "ACTION_CASE"
	codeWildcardNothing           = "WILDCARD_MATCHES_NOTHING"
	codeVariableInAction          = "VARIABLE_IN_ACTION"
	codeUnknownKey                = "UNKNOWN_CONDITION_KEY"
	codeKeyService                = "CONDITION_KEY_SERVICE"
	codeTypeDate                  = "TYPE_MISMATCH_DATE"
	codeTypeNumeric               = "TYPE_MISMATCH_NUMERIC"
	codeTypeBool                  = "TYPE_MISMATCH_BOOL"
	codeTypeIP                    = "TYPE_MISMATCH_IP"
	codeTypeARN                   = "TYPE_MISMATCH_ARN"
	codeTypeBinary                = "TYPE_MISMATCH_BINARY"
	codeInvalidARNValue           = "INVALID_ARN_CONDITION_VALUE"
	codeResourceService           = "RESOURCE_SERVICE_MISMATCH"
	codeResourceType              = "RESOURCE_TYPE_MISMATCH"
	codeARNFormat                 = "ARN_FORMAT"
	codeInvalidARN                = "INVALID_ARN"
	codeWrongPartition            = "WRONG_PARTITION"
	codeInvalidBucket             = "INVALID_BUCKET_NAME"
	codeUnknownVariable           = "UNKNOWN_POLICY_VARIABLE"
	codeMultivaluedVariable       = "MULTIVALUED_VARIABLE"
	codeVariablesDisabled         = "VARIABLES_DISABLED"
	codePrincipalInIdentityPolicy = "PRINCIPAL_IN_IDENTITY_POLICY"
	codeMissingPrincipal          = "MISSING_PRINCIPAL"
	codeInvalidPrincipal          = "INVALID_PRINCIPAL"
	codeUnknownFederation         = "UNKNOWN_FEDERATION_SOURCE"
	codeTrustAction               = "TRUST_POLICY_ACTION"
	codeTrustResource             = "TRUST_POLICY_RESOURCE"
	codeInvalidSid                = "INVALID_SID"
	codeAllowAll                  = "ALLOW_ALL"
	codeServiceWildcard           = "ALLOW_SERVICE_WILDCARD"
	codePassRole                  = "PASS_ROLE_ALL_RESOURCES"
	codeEscalation                = "PRIVILEGE_ESCALATION"
	codeAssumeAnyRole             = "ASSUME_ANY_ROLE"
	codeAllowNotAction            = "ALLOW_NOT_ACTION"
	codeAllowNotResource          = "ALLOW_NOT_RESOURCE"
	codeAllowNotPrincipal         = "ALLOW_NOT_PRINCIPAL"
	codePublicPrincipal           = "PUBLIC_PRINCIPAL"
	codeWebIdentityNoAud          = "WEB_IDENTITY_WITHOUT_AUD"
	codeForAllSingle              = "FOR_ALL_VALUES_SINGLE_VALUED"
	codeShadowed                  = "SHADOWED_BY_DENY"
	codeSubsumed                  = "SUBSUMED_STATEMENT"
	codeDenyNever                 = "DENY_NEVER_MATCHES"
	codeContradictory             = "CONTRADICTORY_CONDITIONS"
	codeDuplicateSid              = "DUPLICATE_SID"
	codeKeyNotCarried             = "CONDITION_KEY_NOT_CARRIED"
	codeMultiNoQualifier          = "MULTIVALUED_KEY_WITHOUT_QUALIFIER"
	codeForAnySingle              = "FOR_ANY_VALUE_SINGLE_VALUED"
	codeWildcardService           = "WILDCARD_IN_SERVICE"
	codeUnsupportedAction         = "UNSUPPORTED_ACTION"
	codeUserNotEmail              = "IAM_USER_NOT_EMAIL"
	codeResourceStar              = "RESOURCE_STAR"
	codeStringOnTyped             = "STRING_OPERATOR_ON_TYPED_KEY"
	codeRedundantAction           = "REDUNDANT_ACTION"
	codeRedundantResource         = "REDUNDANT_RESOURCE"
	codeRedundantValue            = "REDUNDANT_CONDITION_VALUE"
	codeLikeWithoutWildcard       = "STRING_LIKE_WITHOUT_WILDCARD"
	codeIfExistsAlwaysPresent     = "IF_EXISTS_ON_ALWAYS_PRESENT"
	codeUseARNOperator            = "USE_ARN_OPERATOR"
	codeIPNotCanonical            = "IP_NOT_CANONICAL"
	codeKeyCase                   = "CONDITION_KEY_CASE"
)

var rules = [...]Rule{
	// Errors.
	{codeInvalidPolicy, Error, "The document is not a valid policy",
		"The document breaks the policy grammar: malformed JSON, an unknown or missing element, a value of the wrong type, an unknown condition operator, a malformed condition value, or a duplicate Sid. This is what `astran policy validate` reports; IAM rejects such a document, so fix these first.",
		"Json syntax error, Invalid policy element, Missing effect, Missing action, Missing resource, Invalid condition operator, Invalid version", "MALFORMED_JSON, MALFORMED"},
	{codeUnknownService, Error, "Unknown service prefix",
		"The action's service prefix is none of the services Astran exposes (s3, iam, sts, ck), so the action never matches a request. Check the spelling of the prefix (`s4:GetObject`).",
		"Invalid service", "UNKNOWN_PREFIX"},
	{codeUnknownAction, Error, "Unknown action",
		"The service exists but has no action of this name, in any case: the entry never matches a request. The message suggests the closest action name when there is one (`s3:GetObjekt` → `s3:GetObject`).",
		"Invalid action", "UNKNOWN_ACTION"},
	{codeActionCase, Error, "Action name in the wrong case",
		"Astran compares action names case-sensitively, unlike AWS: `s3:getobject` is not `s3:GetObject` and silently never matches. The fix is the right-cased name. Use --dialect aws for documents meant for AWS, where case does not matter.",
		"", ""},
	{codeWildcardNothing, Error, "Wildcard action that matches no action",
		"The action pattern (`s3:Gte*`) matches no action of its service, so the entry grants or denies nothing. In the Astran dialect a pattern in the wrong case (`s3:get*`) matches nothing either; the fix gives the right case when it is certain.",
		"Invalid action", "UNKNOWN_ACTION"},
	{codeVariableInAction, Error, "Policy variable in Action",
		"Policy variables (`${aws:username}`) are expanded only in Resource, NotResource and condition values; in Action they are literal text, and no action name contains `${`.",
		"Variable unsupported in element", ""},
	{codeUnknownKey, Error, "Unknown condition key",
		"The condition key is not a global key nor a key of s3, iam or sts (nor an OIDC provider claim such as `{provider}:aud`). A request never carries it, so a positive operator on it never matches and a negated one always does. Check the spelling (`aws:SourceIpp`).",
		"Invalid global condition key, Invalid service condition key", "UNKNOWN_CONDITION_FOR_ACTION"},
	{codeKeyService, Error, "Condition key of a service the statement does not use",
		"The key belongs to a service none of the statement's actions belong to (`iam:PermissionsBoundary` in a statement of s3 actions): requests for those actions never carry it.",
		"Unsupported condition key for service or action", "UNKNOWN_CONDITION_FOR_ACTION"},
	{codeTypeDate, Error, "Date operator on a key that is not a date",
		"A Date operator (`DateGreaterThan`, ...) compares dates; the key's values are not dates (`DateGreaterThan` on `aws:username`), so the comparison never holds. Use the operator family of the key's type.",
		"Type mismatch date", "MISMATCHED_TYPE"},
	{codeTypeNumeric, Error, "Numeric operator on a key that is not a number",
		"A Numeric operator compares numbers; the key's values are not numbers, so the comparison never holds.",
		"Type mismatch number", "MISMATCHED_TYPE"},
	{codeTypeBool, Error, "Bool on a key that is not boolean",
		"`Bool` compares true/false values; the key is not boolean (`Bool` on `aws:SourceIp`), so the condition never holds.",
		"Type mismatch Boolean", "MISMATCHED_TYPE"},
	{codeTypeIP, Error, "IpAddress on a key that is not an IP address",
		"`IpAddress` and `NotIpAddress` compare addresses with CIDR ranges; the key is not an address (`IpAddress` on `aws:username`): IpAddress never holds and NotIpAddress always does.",
		"Type mismatch IP range", "MISMATCHED_TYPE"},
	{codeTypeARN, Error, "ARN operator on a key that is not an ARN",
		"`ArnEquals`/`ArnLike` compare ARNs segment by segment; the key's values are not ARNs (`ArnLike` on `aws:PrincipalAccount`), so the comparison never holds. Use a String operator.",
		"Type mismatch", "MISMATCHED_TYPE"},
	{codeTypeBinary, Error, "BinaryEquals on a key that is not binary",
		"`BinaryEquals` compares base64-encoded bytes; the key is not a binary key, so the comparison never holds.",
		"Type mismatch", "MISMATCHED_TYPE"},
	{codeInvalidARNValue, Error, "ARN operator with a value that is not an ARN",
		"The value of an `Arn...` operator must be an ARN pattern (`arn:demo:iam::*:user/*`) or `*`; anything else never matches an ARN.",
		"", "INVALID_ARN"},
	{codeResourceService, Error, "Resource of a service no action in the statement belongs to",
		"The resource's ARN names a service (`arn:demo:iam::...`) that none of the statement's actions act on (s3 actions), so the entry never matches a request.",
		"Unsupported resource ARN in policy", "RESOURCE_MISMATCH"},
	{codeResourceType, Error, "Resource whose type no action in the statement accepts",
		"Each action acts on resources of given types: `s3:GetObject` on objects (`arn:demo:s3:::bucket/key`), `s3:ListBucket` on buckets (`arn:demo:s3:::bucket`). No action of the statement accepts this resource's type, so the entry grants or denies nothing: `s3:GetObject` on a bucket ARN is the classic mistake (add `/*`).",
		"Unsupported resource ARN in policy", "RESOURCE_MISMATCH"},
	{codeARNFormat, Error, "ARN that fits no resource type of its service",
		"The ARN names s3, iam or sts but fits none of the service's ARN formats: S3 ARNs have no region or account (`arn:demo:s3:::bucket/key`), IAM ARNs have an account and no region (`arn:demo:iam::ACCOUNT:user/EMAIL`). The entry never matches.",
		"Invalid ARN region, Invalid ARN account, Invalid ARN resource", "INVALID_ARN"},
	{codeInvalidARN, Error, "Malformed ARN",
		"An ARN has six colon-separated parts (`arn:partition:service:region:account:resource`); this one has fewer and no wildcard to stand for the rest, so it matches nothing.",
		"Missing ARN field", "INVALID_ARN"},
	{codeWrongPartition, Error, "ARN of the wrong partition for the dialect",
		"In Astran the partition part of an ARN is your partition (`arn:demo:...`), not AWS's `aws`, `aws-cn` or `aws-us-gov`; AWS in turn knows only its own partitions. An ARN copied from AWS never matches in Astran.",
		"Invalid partition", "INVALID_ARN"},
	{codeInvalidBucket, Error, "Invalid bucket name",
		"The S3 ARN names a bucket that cannot exist: bucket names have 3 to 63 lower-case letters, digits, dots and hyphens. The entry never matches.",
		"Invalid ARN resource", "INVALID_ARN"},
	{codeUnknownVariable, Error, "Unknown policy variable",
		"The policy variable names a key no request carries (`${aws:usrname}`); without a default (`${key, 'default'}`) the resource or value it is in matches nothing.",
		"Invalid variable for operator", ""},
	{codeMultivaluedVariable, Error, "Policy variable of a multivalued key",
		"Multivalued keys (`aws:TagKeys`, `aws:CalledVia`) cannot be policy variables: the resource or value matches nothing.",
		"", ""},
	{codeVariablesDisabled, Error, "Policy variable in a document without Version 2012-10-17",
		"Policy variables are expanded only in documents of Version `2012-10-17`; in this document `${aws:username}` is literal text, which matches nothing you intend. Add `\"Version\": \"2012-10-17\"`.",
		"Variable unsupported in version", "OLD_VERSION"},
	{codePrincipalInIdentityPolicy, Error, "Principal in an identity policy",
		"Identity policies (attached to users, groups and roles) apply to their holder and must not name principals; IAM rejects a Principal or NotPrincipal there.",
		"Unsupported element combination", "MALFORMED"},
	{codeMissingPrincipal, Error, "Statement without Principal in a resource or trust policy",
		"Trust and resource policies say who is allowed: each statement needs a Principal (or NotPrincipal).",
		"Missing principal", "MALFORMED"},
	{codeInvalidPrincipal, Error, "Invalid principal",
		"A principal is `*`, an account ID, or the ARN of an account root, a user, a role or an assumed-role session; groups, policies and wildcards inside ARNs are not principals, so the entry matches no caller.",
		"Invalid principal format, Unsupported wildcard in principal", "UNKNOWN_PRINCIPAL"},
	{codeUnknownFederation, Error, "Unknown federation source",
		"A Federated principal is an OIDC or SAML provider ARN (`arn:demo:iam::ACCOUNT:oidc-provider/HOST/PATH`) or a well-known identity provider host; this entry is neither.",
		"Invalid principal format", "UNKNOWN_FEDERATION_SOURCE"},
	{codeTrustAction, Error, "Trust policy action that is not role assumption",
		"A role's trust policy only controls who may assume the role: `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:TagSession` and the like. Other actions have no effect there.",
		"Unsupported action in policy", ""},
	{codeTrustResource, Error, "Resource in a trust policy",
		"A role's trust policy applies to the role itself; IAM rejects Resource and NotResource in it.",
		"Unsupported resource ARN in policy", ""},
	{codeInvalidSid, Error, "Sid with characters other than letters and digits",
		"IAM accepts only ASCII letters and digits in a Sid of an identity policy; other characters make the document fail to save.",
		"Unsupported Sid", "INVALID_SID"},
	// Security warnings.
	{codeAllowAll, SecurityWarning, "Allow of every action on every resource",
		"`\"Action\": \"*\"` on `\"Resource\": \"*\"` is full administrator access: every action of every service, including IAM changes that grant more. Grant the actions the holder needs on the resources it needs.",
		"", "PERMISSIONS_MANAGEMENT_ACTIONS"},
	{codeServiceWildcard, SecurityWarning, "Allow of every action of a service on every resource",
		"`iam:*` or `s3:*` on `*` grants every action of the service on every resource: with `iam:*` the holder can grant itself anything, with `s3:*` delete every bucket. List the actions needed.",
		"", "PERMISSIONS_MANAGEMENT_ACTIONS"},
	{codePassRole, SecurityWarning, "iam:PassRole on every resource",
		"`iam:PassRole` on `*` lets the holder hand any role, including the most privileged, to a service that then acts with it. Name the roles that may be passed.",
		"Pass role with star in resource", "PRIVILEGE_ESCALATION"},
	{codeEscalation, SecurityWarning, "Privilege-escalation action on every resource",
		"Actions such as `iam:CreatePolicyVersion`, `iam:AttachUserPolicy`, `iam:PutUserPolicy`, `iam:AddUserToGroup`, `iam:UpdateAssumeRolePolicy` or `iam:CreateAccessKey` on every resource let the holder give itself (or take over) any permission. Restrict them to named resources, or guard them with a permissions boundary.",
		"", "PRIVILEGE_ESCALATION, CREDENTIALS_EXPOSURE"},
	{codeAssumeAnyRole, SecurityWarning, "sts:AssumeRole on every role",
		"An identity policy that allows `sts:AssumeRole` on `*` lets the holder assume every role whose trust policy trusts its account; name the roles.",
		"", ""},
	{codeAllowNotAction, SecurityWarning, "Allow with NotAction",
		"Allow with NotAction grants every action except those listed, including actions and services added later. Prefer an Allow of the actions needed, or a Deny with NotAction as a guard rail.",
		"Allow with NotAction", ""},
	{codeAllowNotResource, SecurityWarning, "Allow with NotResource",
		"Allow with NotResource grants the actions on every resource except those listed, including resources created later. List the resources instead.",
		"Allow with NotResource", ""},
	{codeAllowNotPrincipal, SecurityWarning, "Allow with NotPrincipal",
		"Allow with NotPrincipal grants everyone except the principals listed, including anonymous callers.",
		"Allow with NotPrincipal", ""},
	{codePublicPrincipal, SecurityWarning, "Allow to every principal without a condition",
		"`\"Principal\": \"*\"` (or `{\"AWS\": \"*\"}`) without a condition allows anyone, in any account, to perform the actions.",
		"", ""},
	{codeWebIdentityNoAud, SecurityWarning, "Web identity trust without an audience condition",
		"A trust policy that lets an OIDC provider's users assume the role with `sts:AssumeRoleWithWebIdentity` must check the token's audience (`\"StringEquals\": {\"{provider}:aud\": \"astran\"}`): otherwise a token the provider issued for any other application assumes the role.",
		"Missing condition key in role trust policy", ""},
	{codeForAllSingle, SecurityWarning, "ForAllValues on a single-valued key",
		"`ForAllValues:` is true when the request has no value for the key, so with a single-valued key the condition also holds for every request without the key: an Allow becomes far broader than written. Drop the qualifier.",
		"ForAllValues with single valued key", ""},
	// Warnings.
	{codeShadowed, Warning, "Allow fully shadowed by a Deny",
		"An unconditional Deny of the same document covers every action and resource of this Allow: the statement can never allow anything. Remove it, or narrow the Deny.",
		"", ""},
	{codeSubsumed, Warning, "Statement subsumed by another",
		"Another statement of the same effect covers every action and resource of this one, with no more conditions: this statement changes nothing. Remove it or merge the two.",
		"Redundant statement", ""},
	{codeDenyNever, Warning, "Deny that can never match",
		"Because of the problems reported with it (no existing action, resources of no accepted type, contradictory conditions, a key never present), this Deny never matches: the guard rail it was meant to be does not exist.",
		"", ""},
	{codeContradictory, Warning, "Contradictory conditions",
		"The conditions of the statement cannot all hold (`StringEquals` and `StringNotEquals` of the same value, `NumericGreaterThan 10` with `NumericLessThan 5`, `Null: true` with a comparison of the key): the statement never matches.",
		"", ""},
	{codeDuplicateSid, Warning, "Sids that differ only in case",
		"Two statements have Sids equal but for case; tools that compare Sids case-insensitively (and readers) confuse them, and silencing a check by Sid becomes ambiguous.",
		"Unique Sids required", "DUPLICATE_SID"},
	{codeKeyNotCarried, Warning, "Condition key the statement's actions never carry",
		"The key exists but none of the statement's actions carries it (`s3:prefix` with `s3:GetObject`; only `s3:ListBucket` has it): the key is always absent, so a positive operator never matches and a negated one always does.",
		"Unsupported condition key for service or action", "UNKNOWN_CONDITION_FOR_ACTION"},
	{codeMultiNoQualifier, Warning, "Multivalued key without ForAnyValue or ForAllValues",
		"The key takes a list of values (`aws:TagKeys`); say with `ForAnyValue:` or `ForAllValues:` whether one or all of them must match. Without a qualifier the meaning is undocumented.",
		"Missing qualifier", ""},
	{codeForAnySingle, Warning, "ForAnyValue on a single-valued key",
		"`ForAnyValue:` is for multivalued keys; on a single-valued key it behaves as the bare operator and misleads the reader. Drop the qualifier.",
		"ForAnyValue with single valued key", ""},
	{codeWildcardService, Warning, "Wildcard in the service prefix",
		"A wildcard in the service prefix (`s*:Get*`) matches actions of several services, including services added later; name the service.",
		"", ""},
	{codeUnsupportedAction, Warning, "AWS action that Astran does not document",
		"The action exists in AWS but Astran does not document it (bucket policies, ACLs, lifecycle, SAML...): requests for it are not expected, so the entry is likely a copy from an AWS policy.",
		"", ""},
	{codeUserNotEmail, Warning, "IAM user ARN whose name is not an email address",
		"Astran users are email addresses (`arn:demo:iam::ACCOUNT:user/bob@example.com`); a user ARN with another name matches no Astran user.",
		"", ""},
	{codeResourceStar, Warning, "Write access on every resource",
		"The statement allows write or permissions-management actions that can be limited to named resources on `*`. Name the buckets, objects or IAM entities instead.",
		"", "RESOURCE_STAR"},
	{codeStringOnTyped, Warning, "String operator on a typed key",
		"The key is a date, number, boolean or IP address but is compared as text: `StringEquals` on `aws:SourceIp` misses equal addresses written differently, and ranges cannot be expressed. Use the operator family of the key's type.",
		"Type mismatch string", "MISMATCHED_TYPE_BUT_USABLE"},
	// Suggestions.
	{codeRedundantAction, Suggestion, "Redundant action",
		"Another entry of the same list already covers this action (`s3:GetObject` next to `s3:Get*`, or the same action twice); remove it.",
		"Redundant action", ""},
	{codeRedundantResource, Suggestion, "Redundant resource",
		"Another entry of the same list already covers this resource (`arn:demo:s3:::b/x` next to `arn:demo:s3:::b/*`); remove it.",
		"Redundant resource", ""},
	{codeRedundantValue, Suggestion, "Repeated condition value",
		"The same value appears twice for one condition key; remove the copy.",
		"Redundant condition value num", ""},
	{codeLikeWithoutWildcard, Suggestion, "StringLike without a wildcard",
		"`StringLike` with values that contain no `*` or `?` is `StringEquals`; the fix renames the operator, which states the intent.",
		"", ""},
	{codeIfExistsAlwaysPresent, Suggestion, "IfExists on a key every request carries",
		"`...IfExists` makes a condition hold when the key is absent; keys such as `aws:CurrentTime`, `aws:SecureTransport` or `aws:PrincipalArn` are always present, so the suffix only misleads.",
		"", ""},
	{codeUseARNOperator, Suggestion, "String operator on an ARN key",
		"ARN keys are better compared with `ArnEquals`/`ArnLike`, which match segment by segment (a wildcard does not cross a colon).",
		"", "MISMATCHED_TYPE_BUT_USABLE"},
	{codeIPNotCanonical, Suggestion, "CIDR with host bits set",
		"The CIDR (`10.1.2.3/8`) has bits set beyond its prefix length; it means the network (`10.0.0.0/8`), which the fix writes.",
		"Improve IP range", ""},
	{codeKeyCase, Suggestion, "Condition key in a different case than documented",
		"Condition key names compare case-insensitively, so the key works, but writing it as documented (`aws:SourceIp`, not `aws:sourceip`) helps readers and search.",
		"Global condition key case mismatch, Service condition key case mismatch", ""},
}
