package sts

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts/internal/retry"
	"golang.org/x/oauth2"
)

// Defaults applied when the corresponding [Options] field is zero.
const (
	// DefaultExpiryWindow is how long before the credentials' expiration
	// the [Provider] reports them as expired, so that they are renewed
	// before requests signed with them can fail at the edge.
	DefaultExpiryWindow = 5 * time.Minute
	// DefaultExpiryWindowJitterFrac spreads renewals of a fleet: the window
	// is enlarged by a random fraction in [0, 0.1) of itself.
	DefaultExpiryWindowJitterFrac = 0.1
	// DefaultLeeway absorbs small clock differences in token expiry checks.
	DefaultLeeway = 10 * time.Second
	// DefaultHTTPTimeout is the timeout of the HTTP client built when
	// Options.HTTPClient is nil.
	DefaultHTTPTimeout = 30 * time.Second
	// DefaultRefreshTimeout bounds a shared refresh (all of its HTTP
	// requests and retries), which no single caller can cancel.
	DefaultRefreshTimeout = 2 * time.Minute
	// DefaultMaxResponseBytes caps the response bodies this package reads.
	DefaultMaxResponseBytes = 1 << 20
	// DefaultMaxAttempts is the number of attempts of one request,
	// retries on transient failures included.
	DefaultMaxAttempts = retry.DefaultMaxAttempts
)

// ProviderName is the Source of the [aws.Credentials] returned by
// [Provider.Retrieve].
const ProviderName = "AstranWebIdentity"

// Options configure a [TokenSource], a [Provider], [LoginWithWebIdentity]
// and [NewConfig]. The zero value of every field selects the documented
// default, so the zero Options log a partition user in to Astran's public
// service (with the ASTRAN_* environment overrides of endpoint.FromEnv).
// Options hold no secret values: the password and client secret come from
// callbacks.
type Options struct {
	// Issuer is the OIDC issuer URL. Zero: $ASTRAN_OIDC_ISSUER, else
	// https://astran.cloud-iam.com/auth/realms/{partition}; the realm part
	// is replaced by Realm (or "root-accounts" when Root is set).
	Issuer string
	// Realm is the Keycloak realm used to build the default issuer. Zero:
	// the partition, or "root-accounts" when Root is set.
	Realm string
	// Root logs in a root account: realm "root-accounts", client
	// "root-client" (unless Realm, Issuer or ClientID say otherwise).
	Root bool
	// ClientID is the OIDC client. Zero: $ASTRAN_CLIENT_ID, else "s5"
	// ("root-client" when Root is set).
	ClientID string
	// ClientSecret returns the client secret of a confidential client; nil
	// for Astran's public clients. The secret is sent as the discovery
	// document advertises (client_secret_basic: HTTP Basic; client_secret_post:
	// form parameters) or as ClientAuthStyle says.
	ClientSecret PasswordFunc
	// ClientAuthStyle forces how a client secret is sent. Zero: from the
	// discovery document when Discovery is set, else HTTP Basic (RFC 6749's
	// default). Public clients (no ClientSecret) always send client_id as a
	// form parameter: auto-detection is never used, because it re-posts the
	// password after a failure.
	ClientAuthStyle oauth2.AuthStyle
	// TokenURL overrides the token endpoint. Zero: from the discovery
	// document when Discovery is set, else {Issuer}/protocol/openid-connect/token.
	TokenURL string
	// Scopes are requested with the password grant. Zero: none (Keycloak
	// then grants its default scopes, "email" for Astran). Add "openid" to
	// get an ID token.
	Scopes []string
	// Discovery fetches {Issuer}/.well-known/openid-configuration once and
	// uses its token endpoint, JWKS URL and client authentication methods.
	// Needed for most non-Keycloak identity providers.
	Discovery bool
	// VerifyTokens checks the signature, issuer, expiry and client (azp, or
	// aud) of every access token (and ID token) received, with go-oidc and
	// the provider's JWKS, before the token is used.
	VerifyTokens bool

	// UserSessionName is sent to LoginWithWebIdentity. Zero: the username.
	UserSessionName string
	// RoleARN switches the [Provider] from LoginWithWebIdentity to
	// AssumeRoleWithWebIdentity of this role (for roles that trust an
	// external oidc-provider).
	RoleARN string
	// RoleSessionName is sent to AssumeRoleWithWebIdentity. Zero: the
	// username.
	RoleSessionName string
	// Duration asks AssumeRoleWithWebIdentity for this lifetime. Zero: the
	// server's default.
	Duration time.Duration

	// STSEndpoint, IAMEndpoint and S3Endpoint override the partition's
	// endpoints. Zero: $ASTRAN_*_ENDPOINT, else https://{partition}.{sts,iam,s3}.astran.io.
	STSEndpoint, IAMEndpoint, S3Endpoint string
	// Region is the SigV4 signing region. Zero: $AWS_REGION,
	// $AWS_DEFAULT_REGION, else "us-east-1".
	Region string
	// Getenv reads the environment for the defaults above. Zero: os.Getenv.
	Getenv func(string) string

	// HTTPClient sends every request. Zero: a client with
	// DefaultHTTPTimeout; http.DefaultClient is never used.
	HTTPClient *http.Client
	// Now is the clock. Zero: time.Now.
	Now func() time.Time
	// Leeway is subtracted from token lifetimes in expiry checks (and
	// granted to token verification). Zero: DefaultLeeway; negative: none.
	Leeway time.Duration
	// ExpiryWindow makes the [Provider] report credentials as expiring this
	// long before their real expiration. Zero: DefaultExpiryWindow;
	// negative: none. It is capped at half the credentials' lifetime.
	ExpiryWindow time.Duration
	// ExpiryWindowJitterFrac enlarges ExpiryWindow by a random fraction
	// in [0, ExpiryWindowJitterFrac) of itself. Zero:
	// DefaultExpiryWindowJitterFrac; negative: none; capped at 1.
	ExpiryWindowJitterFrac float64
	// RefreshTimeout bounds a shared refresh. Zero: DefaultRefreshTimeout.
	RefreshTimeout time.Duration
	// MaxAttempts is the number of attempts of each request, retries of
	// transient failures (5xx, throttling, connection errors,
	// IDPCommunicationError) included; authentication failures are never
	// retried. Zero: DefaultMaxAttempts; one or less: no retries.
	MaxAttempts int
	// Backoff returns the wait after attempt (counting from 1). Zero:
	// capped exponential backoff with full jitter (200ms base, 5s cap).
	Backoff func(attempt int) time.Duration
	// MaxResponseBytes caps response bodies. Zero: DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// Logger receives debug events (grants, retries, renewals), never
	// secrets. Zero: no logging.
	Logger *slog.Logger
}

// resolved is Options with every default applied, plus the endpoints.
type resolved struct {
	Options
	partition      string
	ep             endpoint.Endpoints
	userHTTPClient bool // Options.HTTPClient was set by the caller
}

func resolveOptions(partition string, optFns []func(*Options)) (resolved, error) {
	var o Options
	for _, fn := range optFns {
		if fn != nil {
			fn(&o)
		}
	}
	ep, err := endpoint.Resolve(func(eo *endpoint.Options) {
		eo.Partition, eo.Root, eo.Realm, eo.Issuer, eo.ClientID = partition, o.Root, o.Realm, o.Issuer, o.ClientID
		eo.STS, eo.IAM, eo.S3, eo.Region, eo.Getenv = o.STSEndpoint, o.IAMEndpoint, o.S3Endpoint, o.Region, o.Getenv
	})
	if err != nil {
		return resolved{}, fmt.Errorf("sts: %w: %w", ErrInvalidConfig, err)
	}
	r := resolved{Options: o, partition: ep.Partition, ep: ep}
	r.Issuer, r.ClientID = ep.Issuer, ep.ClientID
	r.STSEndpoint, r.IAMEndpoint, r.S3Endpoint, r.Region = ep.STS, ep.IAM, ep.S3, ep.Region

	r.userHTTPClient = r.HTTPClient != nil
	if r.HTTPClient == nil {
		r.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	switch {
	case r.Leeway == 0:
		r.Leeway = DefaultLeeway
	case r.Leeway < 0:
		r.Leeway = 0
	}
	switch {
	case r.ExpiryWindow == 0:
		r.ExpiryWindow = DefaultExpiryWindow
	case r.ExpiryWindow < 0:
		r.ExpiryWindow = 0
	}
	switch {
	case r.ExpiryWindowJitterFrac == 0:
		r.ExpiryWindowJitterFrac = DefaultExpiryWindowJitterFrac
	case r.ExpiryWindowJitterFrac < 0:
		r.ExpiryWindowJitterFrac = 0
	case r.ExpiryWindowJitterFrac > 1:
		r.ExpiryWindowJitterFrac = 1
	}
	if r.RefreshTimeout <= 0 {
		r.RefreshTimeout = DefaultRefreshTimeout
	}
	if r.MaxResponseBytes <= 0 {
		r.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	return r, nil
}

func (r *resolved) retryPolicy(op string) retry.Policy {
	return retry.Policy{
		MaxAttempts: r.MaxAttempts,
		Backoff:     r.Backoff,
		OnRetry: func(attempt int, wait time.Duration, err error) {
			r.Logger.Debug("sts: retrying", "op", op, "attempt", attempt, "wait", wait, "error", err.Error())
		},
	}
}
