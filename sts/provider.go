package sts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	awsretry "github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"golang.org/x/sync/singleflight"

	"github.com/astran-oss/astran-go/endpoint"
)

// Provider is an [aws.CredentialsProvider] that logs in to Astran and
// returns temporary credentials: it gets a web identity token from a
// [TokenSource] (a [PasswordGrant] for Astran's users, a [TokenFile] for a
// workload, ...) and exchanges it at STS with LoginWithWebIdentity, or,
// when ProviderOptions.RoleARN is set, with AssumeRoleWithWebIdentity (via
// aws-sdk-go-v2's stscreds).
//
// Wrap a Provider with [aws.NewCredentialsCache] (as [NewConfig] does): the
// Provider itself does not cache credentials; every Retrieve logs in again,
// reusing or refreshing the token as the source does. The returned
// credentials report CanExpire and an Expires that is
// ProviderOptions.ExpiryWindow (5 minutes by default, plus up to 10%
// jitter, at most half the lifetime) before the real expiration, so the
// cache renews them before the server rejects them. Use no extra
// ExpiryWindow on the cache.
//
// The lifetime comes from the server's Expiration measured against the
// server's Date header when present (both actions), never from an
// assumption.
//
// A Provider is safe for concurrent use: concurrent Retrieve calls share a
// single login, which a caller's cancellation does not abort.
type Provider struct {
	o       ProviderOptions // defaults applied
	ep      endpoint.Endpoints
	session string
	tokens  TokenSource
	role    *awssts.Client // nil unless RoleARN is set
	sf      singleflight.Group
}

// compile-time checks
var (
	_ aws.CredentialsProvider = (*Provider)(nil)
	_ slog.LogValuer          = (*Provider)(nil)
)

// NewProvider returns a Provider that exchanges the tokens of tokens at
// the STS endpoint of ep (see [endpoint.Resolve]). No request is made until
// the first Retrieve.
func NewProvider(ep endpoint.Endpoints, tokens TokenSource, optFns ...func(*ProviderOptions)) (*Provider, error) {
	o := apply(optFns)
	o.RequestOptions, _ = o.RequestOptions.withDefaults()
	o.Leeway = leeway(o.Leeway)
	o.ExpiryWindow, o.ExpiryWindowJitterFrac = expiryWindow(o.ExpiryWindow, o.ExpiryWindowJitterFrac)
	o.RefreshTimeout = refreshTimeout(o.RefreshTimeout)
	if tokens == nil {
		return nil, fmt.Errorf("sts: new provider: nil token source: %w", ErrInvalidConfig)
	}
	if !validURL(ep.STS) {
		return nil, fmt.Errorf("sts: new provider: STS endpoint %q is not an http(s) URL: %w", ep.STS, ErrInvalidConfig)
	}
	p := &Provider{o: o, ep: ep, tokens: tokens, session: o.SessionName}
	if p.session == "" {
		p.session = "astran-go"
		if g, ok := tokens.(*PasswordGrant); ok {
			p.session = sessionName(g.username)
		}
	}
	if o.RoleARN != "" {
		p.role = awssts.New(awssts.Options{
			Region:       ep.Region,
			BaseEndpoint: aws.String(ep.STS),
			HTTPClient:   cappedClient(o.HTTPClient, o.MaxResponseBytes),
			Credentials:  aws.AnonymousCredentials{},
			Retryer:      awsRetryer(&o.RequestOptions),
		})
	}
	return p, nil
}

// TokenSource returns the provider's token source, e.g. to reuse the
// user's access token for another API.
func (p *Provider) TokenSource() TokenSource { return p.tokens }

func (p *Provider) view() view {
	return view{"sts.Provider", []field{
		{"Partition", "partition", p.ep.Partition},
		{"Session", "session", p.session},
		{"STS", "sts", p.ep.STS},
		{"RoleARN", "role_arn", p.o.RoleARN},
		{"Tokens", "tokens", fmt.Sprintf("%T", p.tokens)},
	}}
}

// String describes p without secrets.
func (p *Provider) String() string { return p.view().String() }

// GoString is String.
func (p *Provider) GoString() string { return p.String() }

// Format implements [fmt.Formatter] so that every verb redacts.
func (p *Provider) Format(f fmt.State, verb rune) { p.view().Format(f, verb) }

// LogValue implements [slog.LogValuer] without secrets.
func (p *Provider) LogValue() slog.Value { return p.view().LogValue() }

type retrieved struct {
	creds aws.Credentials
	res   *LoginResult // nil for AssumeRoleWithWebIdentity
}

// Retrieve logs in and returns fresh temporary credentials. It implements
// [aws.CredentialsProvider].
func (p *Provider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	r, err := p.do(ctx)
	if err != nil {
		return aws.Credentials{}, err
	}
	return r.creds, nil
}

// Login logs in like Retrieve and returns the typed LoginWithWebIdentity
// result (user ARN, subject, audience, provider, source identity). It fails
// with [ErrInvalidConfig] when ProviderOptions.RoleARN is set.
func (p *Provider) Login(ctx context.Context) (*LoginResult, error) {
	if p.role != nil {
		return nil, fmt.Errorf("sts: login: the provider assumes role %s: %w", p.o.RoleARN, ErrInvalidConfig)
	}
	r, err := p.do(ctx)
	if err != nil {
		return nil, err
	}
	res := *r.res
	return &res, nil
}

func (p *Provider) do(ctx context.Context) (*retrieved, error) {
	return shared(ctx, &p.sf, "retrieve", "retrieving credentials", p.o.RefreshTimeout, p.retrieve)
}

func (p *Provider) retrieve(ctx context.Context) (*retrieved, error) {
	for attempt := 1; ; attempt++ {
		tok, err := p.tokens.Token(ctx)
		if err != nil {
			return nil, err
		}
		r, err := p.exchange(ctx, tok.AccessToken)
		if err != nil && attempt == 1 && errors.Is(err, ErrTokenExpired) {
			// Mint a new token (refresh or password grant); resending the
			// rejected one cannot succeed.
			p.o.Logger.Debug("sts: web identity token rejected as expired, asking the source again")
			if e, ok := p.tokens.(interface{ expire(string) }); ok {
				e.expire(tok.AccessToken)
			}
			continue
		}
		return r, err
	}
}

func (p *Provider) exchange(ctx context.Context, token string) (*retrieved, error) {
	if p.role != nil {
		return p.assumeRole(ctx, token)
	}
	res, err := loginWithWebIdentity(ctx, &p.o.RequestOptions, p.ep.STS, token, p.session)
	if err != nil {
		return nil, err
	}
	now := p.o.Now()
	lifetime := res.Lifetime(now)
	if lifetime <= p.o.Leeway {
		return nil, &STSError{Op: opLogin, URL: p.ep.STS, Kind: ErrCredentialsExpired,
			Err: fmt.Errorf("expiration %s, server time %s, local time %s",
				timeString(res.Credentials.Expiration), timeString(res.ServerTime), timeString(now))}
	}
	c := res.Credentials.AWS(ProviderName)
	c.Expires = p.expires(now, lifetime)
	c.AccountID = res.User.Account
	p.o.Logger.Debug("sts: credentials retrieved", "access_key_id", c.AccessKeyID, "user", res.User.String(), "expires", c.Expires)
	return &retrieved{creds: c, res: res}, nil
}

// expires returns the Expires reported to the cache: the local expiration
// minus the (jittered) expiry window, the window capped at half the lifetime.
func (p *Provider) expires(now time.Time, lifetime time.Duration) time.Time {
	w := p.o.ExpiryWindow
	if w > lifetime/2 {
		w = lifetime / 2
	}
	if f := p.o.ExpiryWindowJitterFrac; f > 0 && w > 0 {
		w += time.Duration(rand.Float64() * f * float64(w))
		if w > lifetime/2 {
			w = lifetime / 2
		}
	}
	return now.Add(lifetime - w)
}

// sessionName derives a session name from a username: STS accepts
// [\w+=,.@-]{2,64}.
func sessionName(username string) string {
	b := make([]byte, 0, len(username))
	for i := 0; i < len(username) && len(b) < 64; i++ {
		c := username[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '_', c == '+', c == '=', c == ',', c == '.', c == '@', c == '-':
			b = append(b, c)
		default:
			b = append(b, '-')
		}
	}
	for len(b) < 2 {
		b = append(b, '-')
	}
	return string(b)
}

const opAssume = "AssumeRoleWithWebIdentity"

// staticToken hands one already-minted token to stscreds.
type staticToken string

func (t staticToken) GetIdentityToken() ([]byte, error) { return []byte(t), nil }

// roleClient restores our retryer on every call (stscreds adds
// InvalidIdentityToken to the retryable codes, which would resend a
// rejected token) and records the server's Date header, so that the
// credentials' lifetime is measured on the server's clock as for
// LoginWithWebIdentity.
type roleClient struct {
	c          *awssts.Client
	r          aws.Retryer
	serverTime time.Time // Date of the last response; zero when absent
}

func (rc *roleClient) AssumeRoleWithWebIdentity(ctx context.Context, in *awssts.AssumeRoleWithWebIdentityInput, optFns ...func(*awssts.Options)) (*awssts.AssumeRoleWithWebIdentityOutput, error) {
	optFns = append(optFns, func(o *awssts.Options) {
		o.Retryer = rc.r
		o.APIOptions = append(slices.Clip(o.APIOptions), func(stack *middleware.Stack) error {
			return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("AstranServerDate",
				func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleDeserialize(ctx, in)
					if resp, ok := out.RawResponse.(*smithyhttp.Response); ok {
						rc.serverTime, _ = http.ParseTime(resp.Header.Get("Date"))
					}
					return out, md, err
				}), middleware.After)
		})
	})
	return rc.c.AssumeRoleWithWebIdentity(ctx, in, optFns...)
}

// cappedClient returns a copy of c whose response bodies fail with a
// *bodyTooLargeError past max bytes, for the clients of other libraries
// (aws-sdk-go-v2, go-oidc's key set) that read bodies whole.
func cappedClient(c *http.Client, max int64) *http.Client {
	cc := *c
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	cc.Transport = cappedTransport{rt, max}
	return &cc
}

type cappedTransport struct {
	rt  http.RoundTripper
	max int64
}

func (t cappedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err == nil {
		resp.Body = &cappedBody{rc: resp.Body, left: t.max, limit: t.max}
	}
	return resp, err
}

// cappedBody fails with a *bodyTooLargeError once more than limit bytes
// have been read.
type cappedBody struct {
	rc          io.ReadCloser
	left, limit int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, &bodyTooLargeError{b.limit}
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n - int(-b.left), &bodyTooLargeError{b.limit}
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

type bodyTooLargeError struct{ limit int64 }

func (e *bodyTooLargeError) Error() string {
	return fmt.Sprintf("response body larger than %d bytes", e.limit)
}

func awsRetryer(o *RequestOptions) aws.Retryer {
	policy := o.retryPolicy(opAssume)
	return awsretry.NewStandard(func(so *awsretry.StandardOptions) {
		so.MaxAttempts = policy.Attempts()
		so.Backoff = awsretry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
			return policy.Delay(attempt), nil
		})
		so.Retryables = append([]awsretry.IsErrorRetryable{awsretry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			var tl *bodyTooLargeError
			if errors.As(err, &tl) {
				return aws.FalseTernary // the same server sends the same body
			}
			return aws.UnknownTernary
		})}, so.Retryables...)
		so.Retryables = append(so.Retryables, awsretry.RetryableErrorCode{Codes: map[string]struct{}{"IDPCommunicationError": {}}})
		so.RateLimiter = ratelimit.None
	})
}

func (p *Provider) assumeRole(ctx context.Context, token string) (*retrieved, error) {
	rc := &roleClient{c: p.role, r: awsRetryer(&p.o.RequestOptions)}
	rp := stscreds.NewWebIdentityRoleProvider(rc, p.o.RoleARN, staticToken(token),
		func(wo *stscreds.WebIdentityRoleOptions) {
			wo.RoleSessionName = p.session
			wo.Duration = p.o.Duration
		})
	c, err := rp.Retrieve(ctx)
	if err != nil {
		return nil, p.classifyAWS(ctx, err, token)
	}
	now := p.o.Now()
	lifetime := lifetimeOf(c.Expires, rc.serverTime, now)
	if !c.CanExpire || lifetime <= p.o.Leeway {
		return nil, &STSError{Op: opAssume, URL: p.ep.STS, Kind: ErrCredentialsExpired,
			Err: fmt.Errorf("expiration %s, server time %s, local time %s", timeString(c.Expires), timeString(rc.serverTime), timeString(now))}
	}
	c.Source = ProviderName
	c.Expires = p.expires(now, lifetime)
	p.o.Logger.Debug("sts: role assumed", "access_key_id", c.AccessKeyID, "role", p.o.RoleARN, "expires", c.Expires)
	return &retrieved{creds: c}, nil
}

// classifyAWS turns an aws-sdk-go-v2 error into an *STSError. The SDK's
// error text is kept only for non-API errors; API messages are sanitised.
func (p *Provider) classifyAWS(ctx context.Context, err error, token string) error {
	e := &STSError{Op: opAssume, URL: p.ep.STS}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.StatusCode = re.HTTPStatusCode()
		e.RequestID = re.ServiceRequestID()
	}
	var ae smithy.APIError
	var tl *bodyTooLargeError
	switch {
	case errors.As(err, &tl):
		e.Kind, e.Err = ErrMalformedResponse, tl
	case errors.As(err, &ae):
		e.Code = serverText(ae.ErrorCode(), token)
		e.Message = serverText(ae.ErrorMessage(), token)
		if ae.ErrorFault() == smithy.FaultServer {
			e.Type = "Receiver"
		} else if ae.ErrorFault() == smithy.FaultClient {
			e.Type = "Sender"
		}
		e.Kind = stsKind(e.StatusCode, ae.ErrorCode(), ae.ErrorMessage())
	case ctx.Err() != nil:
		e.Err = ctx.Err()
	case e.StatusCode != 0:
		e.Kind = stsKind(e.StatusCode, "", "")
	default:
		e.Kind = ErrUnreachable
		e.Err = errors.New(serverText(err.Error(), token))
	}
	return e
}
