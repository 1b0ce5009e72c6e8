// Package emulator runs an emulator of Astran's identity and storage stack
// in the calling process: a Keycloak-style OpenID Connect provider, STS
// (LoginWithWebIdentity and AssumeRoleWithWebIdentity), IAM over the AWS
// Query protocol and an S3 gate that verifies SigV4 signatures and
// authorizes every request with the caller's policies. Everything listens on 127.0.0.1 and keeps its state in
// memory.
//
// It is what `astran serve` runs; tests use it through package astrantest,
// which closes the server when the test ends.
//
// # Use
//
//	srv, err := emulator.New(emulator.WithUserPassword("pw"))
//	if err != nil { … }
//	defer srv.Close()
//	cfg := srv.RootConfig()             // aws.Config for the root identity
//	iamc := iam.NewFromConfig(cfg)      // endpoints already set
//
// Users created through IAM get a verification link in the [Mailbox]
// instead of an email; complete it with [Mailbox.Verify], or set a password
// directly with [Server.SetPassword], or start the server with
// [Options.UserPassword] so every new user can log in at once. A user
// then logs in exactly as Astran documents it: the OIDC password grant on
// the issuer's token endpoint (client "s5"), then STS LoginWithWebIdentity
// ([Server.Login] does both for a test).
//
// The OIDC listener also serves the mailbox for tools and humans:
// GET /emulator/mailbox lists the messages as JSON, and each message's
// link (…/auth/realms/{partition}/login-actions/action-token?key=…) shows a
// form on GET and sets the password from a "password" form field on POST.
//
// [Server.Advance] moves the emulator's clock forward, to test token and
// credential expiry without sleeping.
//
// # What is emulated
//
//   - OIDC: issuer {base}/auth/realms/{partition} (Astran's Keycloak keeps
//     the /auth prefix), discovery, JWKS, the token endpoint with the
//     password and refresh_token grants, RS256 access tokens, Keycloak's
//     token and error JSON. The root realm "root-accounts" (client
//     "root-client") holds the root account ([Options.RootEmail]).
//   - STS: LoginWithWebIdentity with the documented XML;
//     AssumeRoleWithWebIdentity for roles whose trust policy allows an IAM
//     OIDC provider (the emulator's own or an external one); as in AWS it
//     has no SourceIdentity parameter: the source identity comes from the
//     token's https://aws.amazon.com/source_identity claim and needs
//     sts:SetSourceIdentity in the trust policy; GetCallerIdentity.
//   - IAM: users, groups, memberships, managed policies with versions (at
//     most 5), inline policies, roles, OIDC providers, tags and permissions
//     boundaries, with AWS-shaped XML and error codes. Built-in policies
//     exist as arn:astran:iam::astran:policy/{Name}, also accepted under the
//     partition name (arn:{partition}:iam::astran:policy/{Name}) and always
//     stored, returned and put into iam:PolicyARN / iam:PermissionsBoundary
//     in the canonical spelling; any other spelling (another partition, a
//     region, a path) is refused with InvalidInput, an unknown name with
//     NoSuchEntity. Every call is authorized by the principal package: a
//     new user is denied everything, the account's own root is allowed
//     everything (no other root ARN is).
//   - S3: CreateBucket, HeadBucket, ListBuckets, DeleteBucket, PutObject,
//     GetObject, HeadObject, DeleteObject, ListObjectsV2 (and ListObjects,
//     GetBucketLocation, multipart uploads), path-style and
//     virtual-host-style, with header and presigned SigV4. A denial is
//     AccessDenied "You don't have permission to access this resource".
//     Bucket policies (PutBucketPolicy, GetBucketPolicy,
//     DeleteBucketPolicy) are validated with the policy engine
//     (MalformedPolicy otherwise: every statement names its principals and
//     only resources of its bucket) and enforced with AWS's evaluation
//     logic, by the same principal.Authorizer as the identity's policies:
//     a deny anywhere wins; within the account an allow in the identity's
//     policies or in the bucket policy suffices, but a bucket policy that
//     names a role ARN is still limited by the session's permissions
//     boundary and session policy (one naming the user or the
//     assumed-role session ARN is not); an unsigned request is served only
//     when the bucket policy allows "*".
//   - Accounts: one per server; [Server.AddPeer] lets the callers of
//     another server's account (same partition) call this one, authorized
//     cross-account: their own account's policies and the bucket policy
//     must both allow.
//   - Session policies: AssumeRoleWithWebIdentity's Policy (at most 2048
//     characters) and PolicyArns (at most 10) limit the session to what
//     both the role's policies and the session policies allow.
//
// Request bodies are capped (64 KiB for the token endpoint, 1 MiB for IAM
// and STS, 16 MiB per S3 request, 64 MiB per multipart upload); malformed forms, XML, JSON and signatures get the
// service's error response, never a crash.
//
// # Clock
//
// SigV4 requests are held to AWS's time window: a request signed more than
// 15 minutes from the emulator's clock is RequestTimeTooSkewed, a presigned
// URL past its X-Amz-Expires is AccessDenied "Request has expired", and
// X-Amz-Expires above 604800 (7 days) is refused. The emulator's clock is
// [Options.Now] plus every [Server.Advance], and every response carries it
// in its Date header. Two rules keep tests that move it working:
//
//   - expired credentials are reported before a skewed signature, so a
//     session expired by Advance is ExpiredToken, whatever the skew;
//   - the aws.Config of [Server.Config] (and RootConfig, UserConfig) retries
//     a RequestTimeTooSkewed once, and aws-sdk-go-v2 then signs with the
//     offset it read from the Date header: its clients follow the emulator's
//     clock. Other clients (the aws CLI, your own signer) must sign within
//     15 minutes of it.
package emulator
