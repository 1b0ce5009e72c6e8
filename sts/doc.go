// Package sts logs users in to Astran and provides temporary AWS
// credentials for aws-sdk-go-v2, replacing the manual "curl the token,
// curl STS, export the keys" steps of Astran's documentation with one call
// that keeps working for days.
//
// # Flows
//
// Where the partition's identity provider and STS are comes from package
// [github.com/astran-oss/astran-go/endpoint]: endpoint.Resolve reads the
// options, then the ASTRAN_* environment variables that `astran serve`
// prints, then Astran's defaults (Keycloak realm
// https://astran.cloud-iam.com/auth/realms/{partition}, client "s5"; root
// accounts use realm "root-accounts" and client "root-client").
//
// A [Provider] exchanges the web identity tokens of a [TokenSource] for
// credentials: with Astran's STS action LoginWithWebIdentity, or, with
// ProviderOptions.RoleARN, with AssumeRoleWithWebIdentity through
// aws-sdk-go-v2's stscreds. It is an [aws.CredentialsProvider];
// [NewConfig] wraps it in an [aws.CredentialsCache] and sets the
// partition's S3, IAM and STS endpoints:
//
//	ep, err := endpoint.Resolve(func(o *endpoint.Options) { o.Partition = "demo" })
//	...
//	grant, err := sts.NewPasswordGrant(ep, "bob@astran.io", sts.PasswordFromTerminal("Password: "))
//	...
//	p, err := sts.NewProvider(ep, grant)
//	...
//	cfg, err := sts.NewConfig(ep, p)
//	...
//	client := s3.NewFromConfig(cfg)
//
// The token sources are:
//   - [PasswordGrant], for Astran's users: the OAuth2 password grant with
//     golang.org/x/oauth2, refreshed with the rotated refresh token while it
//     lives, a new password grant when it has expired. With
//     PasswordGrantOptions.Discovery it reads the issuer's discovery
//     document (for other OpenID providers); with VerifyTokens it verifies
//     every token with go-oidc (signature, issuer, expiry, and the client:
//     "azp" as Keycloak issues access tokens with aud "account", else
//     RFC 9068's "client_id", else "aud").
//   - [TokenFile], for workloads whose platform writes an OIDC token to a
//     file (a Kubernetes projected service account token): read at every
//     login.
//   - [StaticToken], and any function through [TokenSourceFunc].
//
// [LoginWithWebIdentity] makes one exchange and returns a typed
// [LoginResult].
//
// # Renewal
//
// Credentials are reported as expiring [DefaultExpiryWindow] (5 minutes,
// plus up to 10% jitter) before their real expiration, taken from the
// server's Expiration relative to its Date header, so a clock that is off
// does not matter (LoginWithWebIdentity and AssumeRoleWithWebIdentity
// alike; response bodies of both are capped by RequestOptions.MaxResponseBytes). Concurrent callers share one login; a caller that gives
// up does not abort it for the others (it runs under
// context.WithoutCancel and its own [DefaultRefreshTimeout]). Transient
// failures (5xx, throttling, connection errors, IDPCommunicationError) are
// retried with capped exponential backoff and jitter; authentication
// failures never are.
//
// # Errors
//
// Failures are *[OIDCError] or *[STSError] values that keep the server's
// error code and message and wrap a category: [ErrBadCredentials] (also a
// bare 401 or 403 on the password grant),
// [ErrAccountNotSetUp], [ErrUnauthorizedClient], [ErrRefreshExpired],
// [ErrTokenExpired], [ErrTokenInvalid], [ErrAccessDenied],
// [ErrUnreachable], [ErrUnavailable], [ErrNoToken], and others; test with
// [errors.Is].
//
// # Secrets
//
// Passwords and client secrets come from a [PasswordFunc] and are never
// stored in options. Tokens, passwords, secret keys and session tokens never
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
