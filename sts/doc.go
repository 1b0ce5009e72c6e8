// Package sts logs users in to Astran and provides temporary AWS
// credentials for aws-sdk-go-v2, replacing the manual "curl the token,
// curl STS, export the keys" steps of Astran's documentation with one call
// that keeps working for days.
//
// # Flows
//
// A [TokenSource] runs the OAuth2 password grant against the partition's
// Keycloak realm (https://astran.cloud-iam.com/auth/realms/{partition},
// client "s5"; root accounts use realm "root-accounts" and client
// "root-client", see Options.Root) with golang.org/x/oauth2, refreshes the
// token with the rotated refresh token while it lives, and falls back to a
// new password grant when it has expired. With Options.Discovery it reads
// the issuer's discovery document; with Options.VerifyTokens it verifies
// every token with go-oidc (signature, issuer, expiry, and the client in
// "azp" as Keycloak issues access tokens with aud "account").
//
// [LoginWithWebIdentity] exchanges a token for credentials with Astran's
// STS action of that name and returns a typed [LoginResult].
// A [Provider] combines the two (or, with Options.RoleARN, uses
// AssumeRoleWithWebIdentity through aws-sdk-go-v2's stscreds) as an
// [aws.CredentialsProvider]; [NewConfig] wraps it in an
// [aws.CredentialsCache] and sets the partition's S3, IAM and STS
// endpoints:
//
//	p, err := sts.NewProvider("demo", "bob@astran.io", sts.PasswordFromTerminal("Password: "))
//	...
//	cfg, err := sts.NewConfig(ctx, "demo", p)
//	...
//	client := s3.NewFromConfig(cfg)
//
// Endpoints default to Astran's public ones and honour the ASTRAN_*
// environment variables (ASTRAN_OIDC_ISSUER, ASTRAN_CLIENT_ID,
// ASTRAN_STS_ENDPOINT, ASTRAN_IAM_ENDPOINT, ASTRAN_S3_ENDPOINT) that
// `astran serve` prints; every one is also an [Options] field.
//
// # Renewal
//
// Credentials are reported as expiring [DefaultExpiryWindow] (5 minutes,
// plus up to 10% jitter) before their real expiration, taken from the
// server's Expiration relative to its Date header, so a clock that is off
// does not matter (LoginWithWebIdentity and AssumeRoleWithWebIdentity
// alike; response bodies of both are capped by Options.MaxResponseBytes). Concurrent callers share one login; a caller that gives
// up does not abort it for the others (it runs under
// context.WithoutCancel and its own [DefaultRefreshTimeout]). Transient
// failures (5xx, throttling, connection errors, IDPCommunicationError) are
// retried with capped exponential backoff and jitter; authentication
// failures never are.
//
// # Errors
//
// Failures are *[OIDCError] or *[STSError] values that keep the server's
// error code and message and wrap a category: [ErrBadCredentials],
// [ErrAccountNotSetUp], [ErrUnauthorizedClient], [ErrRefreshExpired],
// [ErrTokenExpired], [ErrTokenInvalid], [ErrAccessDenied],
// [ErrUnreachable], [ErrUnavailable], and others; test with [errors.Is].
//
// # Secrets
//
// Passwords and client secrets come from a [PasswordFunc] and are never
// stored in Options. Tokens, passwords, secret keys and session tokens never
// appear in error messages or debug logs: server text kept in an error is
// stripped of every encoding of them a server may echo (raw, form- and
// path-escaped, JSON-escaped, base64 as in HTTP Basic authentication), and
// is withheld whole when a secret is too short to be cut out. Every exported
// type that holds one redacts it in String, GoString, Format, LogValue,
// encoding/json and encoding/xml; encoding/gob fails with
// [ErrSecretEncoding].
//
// A password rejected as invalid is not sent again for
// [RejectedPasswordBackoff] (1 minute, doubling with each rejection in a
// row up to [MaxRejectedPasswordBackoff], 15 minutes): a retry loop cannot
// lock the account, and a long-running process recovers on its own once
// the password is right again. A different password is sent at once.
package sts
