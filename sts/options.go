package sts

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/astran-oss/astran-go/sts/internal/retry"
	"golang.org/x/oauth2"
)

// Defaults applied when the corresponding option is zero.
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
	// RequestOptions.HTTPClient is nil.
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

// RequestOptions are the HTTP, retry and logging settings of everything in
// this package that makes requests: [LoginWithWebIdentity] takes them
// alone, [PasswordGrantOptions] and [ProviderOptions] embed them. The zero
// value of every field selects the documented default. They hold no secret.
type RequestOptions struct {
	// HTTPClient sends every request. Zero: a client with
	// DefaultHTTPTimeout; http.DefaultClient is never used.
	HTTPClient *http.Client
	// Now is the clock. Zero: time.Now.
	Now func() time.Time
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

// withDefaults returns o with every default applied, and whether the
// caller set the HTTP client.
func (o RequestOptions) withDefaults() (RequestOptions, bool) {
	user := o.HTTPClient != nil
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, user
}

func (o *RequestOptions) retryPolicy(op string) retry.Policy {
	return retry.Policy{
		MaxAttempts: o.MaxAttempts,
		Backoff:     o.Backoff,
		OnRetry: func(attempt int, wait time.Duration, err error) {
			o.Logger.Debug("sts: retrying", "op", op, "attempt", attempt, "wait", wait, "error", err.Error())
		},
	}
}

// PasswordGrantOptions configure a [PasswordGrant]. The issuer and client
// come from the endpoint.Endpoints given to [NewPasswordGrant].
type PasswordGrantOptions struct {
	RequestOptions

	// ClientSecret returns the client secret of a confidential client; nil
	// for Astran's public clients. The secret is sent as the discovery
	// document advertises (client_secret_basic: HTTP Basic;
	// client_secret_post: form parameters) or as ClientAuthStyle says.
	ClientSecret PasswordFunc
	// ClientAuthStyle forces how a client secret is sent. Zero: from the
	// discovery document when Discovery is set, else HTTP Basic (RFC 6749's
	// default). Public clients (no ClientSecret) always send client_id as a
	// form parameter: auto-detection is never used, because it re-posts the
	// password after a failure.
	ClientAuthStyle oauth2.AuthStyle
	// TokenURL overrides the token endpoint. Zero: from the discovery
	// document when Discovery is set, else Keycloak's
	// {Issuer}/protocol/openid-connect/token.
	TokenURL string
	// Scopes are requested with the password grant. Zero: none (Keycloak
	// then grants its default scopes, "email" for Astran). Add "openid" to
	// get an ID token.
	Scopes []string
	// Discovery fetches {Issuer}/.well-known/openid-configuration once and
	// uses its token endpoint, JWKS URL and client authentication methods.
	// Needed for most non-Keycloak identity providers.
	Discovery bool
	// VerifyTokens checks the signature, issuer, expiry and client of every
	// access token (and ID token) received, with go-oidc and the provider's
	// JWKS, before the token is used. The client is the "azp" claim
	// (Keycloak, OIDC), else "client_id" (RFC 9068 JWT access tokens, whose
	// "aud" is the resource), else one of the "aud" values.
	VerifyTokens bool
	// Leeway is subtracted from token lifetimes in expiry checks (and
	// granted to token verification). Zero: DefaultLeeway; negative: none.
	Leeway time.Duration
	// RefreshTimeout bounds a shared grant. Zero: DefaultRefreshTimeout.
	RefreshTimeout time.Duration
}

// ProviderOptions configure a [Provider]. The STS endpoint and region come
// from the endpoint.Endpoints given to [NewProvider].
type ProviderOptions struct {
	RequestOptions

	// SessionName is sent as LoginWithWebIdentity's UserSessionName or
	// AssumeRoleWithWebIdentity's RoleSessionName. Zero: the username of a
	// [PasswordGrant] source, else "astran-go".
	SessionName string
	// RoleARN switches the [Provider] from LoginWithWebIdentity to
	// AssumeRoleWithWebIdentity of this role (for roles that trust an
	// external oidc-provider).
	RoleARN string
	// Duration asks AssumeRoleWithWebIdentity for this lifetime. Zero: the
	// server's default.
	Duration time.Duration
	// Leeway is the shortest lifetime accepted for new credentials. Zero:
	// DefaultLeeway; negative: none.
	Leeway time.Duration
	// ExpiryWindow makes the [Provider] report credentials as expiring this
	// long before their real expiration. Zero: DefaultExpiryWindow;
	// negative: none. It is capped at half the credentials' lifetime.
	ExpiryWindow time.Duration
	// ExpiryWindowJitterFrac enlarges ExpiryWindow by a random fraction
	// in [0, ExpiryWindowJitterFrac) of itself. Zero:
	// DefaultExpiryWindowJitterFrac; negative: none; capped at 1.
	ExpiryWindowJitterFrac float64
	// RefreshTimeout bounds a shared login. Zero: DefaultRefreshTimeout.
	RefreshTimeout time.Duration
}

// ConfigOptions configure [NewConfig].
type ConfigOptions struct {
	// HTTPClient becomes the aws.Config's HTTPClient. Zero: nil, so that
	// the SDK's default client (without an overall timeout, which would
	// cut large transfers) is used.
	HTTPClient *http.Client
	// ExpiryWindow and ExpiryWindowJitterFrac configure the
	// aws.CredentialsCache for a provider that is not a *[Provider] (which
	// applies its own). Zero: DefaultExpiryWindow and
	// DefaultExpiryWindowJitterFrac; negative: none.
	ExpiryWindow           time.Duration
	ExpiryWindowJitterFrac float64
}

// leeway applies the default of a Leeway option.
func leeway(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return DefaultLeeway
	case d < 0:
		return 0
	}
	return d
}

// expiryWindow applies the defaults of the ExpiryWindow options.
func expiryWindow(w time.Duration, frac float64) (time.Duration, float64) {
	switch {
	case w == 0:
		w = DefaultExpiryWindow
	case w < 0:
		w = 0
	}
	switch {
	case frac == 0:
		frac = DefaultExpiryWindowJitterFrac
	case frac < 0:
		frac = 0
	case frac > 1:
		frac = 1
	}
	return w, frac
}

func refreshTimeout(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultRefreshTimeout
	}
	return d
}

// apply returns the options that optFns set, starting from the zero value;
// nil functions are skipped.
func apply[O any](optFns []func(*O)) O {
	var o O
	for _, fn := range optFns {
		if fn != nil {
			fn(&o)
		}
	}
	return o
}
