package sts

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts/internal/retry"
)

// LoginResult is the typed result of Astran's LoginWithWebIdentity. Its
// String, GoString, LogValue and Format methods redact the credentials'
// secrets.
type LoginResult struct {
	Credentials Credentials
	// Subject is SubjectFromWebIdentityToken: the "sub" of the token.
	Subject string
	// Audience is the client the token was issued to, e.g. "s5".
	Audience string
	// User is the ARN of the logged-in user (or root), e.g.
	// arn:demo:iam::ce09…:user/bob@astran.io.
	User arn.ARN
	// UserID is the user's unique ID.
	UserID string
	// Provider is the issuer of the token, e.g.
	// https://astran.cloud-iam.com/auth/realms/demo.
	Provider string
	// SourceIdentity is the oidc-provider ARN the token was accepted by.
	SourceIdentity string
	// RequestID is the server's request ID, when it sent one.
	RequestID string
	// ServerTime is the server's Date header; zero when absent. Together with
	// Credentials.Expiration it gives the lifetime independently of the
	// local clock.
	ServerTime time.Time
}

// Lifetime returns how long the credentials were valid when issued: the
// server's Expiration minus its Date header, or minus now when the server
// sent no Date.
func (r *LoginResult) Lifetime(now time.Time) time.Duration {
	return lifetimeOf(r.Credentials.Expiration, r.ServerTime, now)
}

// lifetimeOf returns how long credentials expiring at expiration are valid:
// measured from the server's Date (serverTime) when it sent one, so that a
// wrong local clock does not matter, else from the local now.
func lifetimeOf(expiration, serverTime, now time.Time) time.Duration {
	if !serverTime.IsZero() {
		return expiration.Sub(serverTime)
	}
	return expiration.Sub(now)
}

func (r LoginResult) view() view {
	return view{"sts.LoginResult", []field{
		{"User", "user", r.User.String()},
		{"UserID", "user_id", r.UserID},
		{"Subject", "subject", r.Subject},
		{"Audience", "audience", r.Audience},
		{"Provider", "provider", r.Provider},
		{"SourceIdentity", "source_identity", r.SourceIdentity},
		{"RequestID", "request_id", r.RequestID},
		{"ServerTime", "server_time", r.ServerTime},
		{"Credentials", "credentials", r.Credentials},
	}}
}

// String returns a description of r without secrets.
func (r LoginResult) String() string { return r.view().String() }

// GoString is String.
func (r LoginResult) GoString() string { return r.String() }

// Format implements [fmt.Formatter] so that every verb redacts.
func (r LoginResult) Format(f fmt.State, verb rune) { r.view().Format(f, verb) }

// LogValue implements [slog.LogValuer] without secrets.
func (r LoginResult) LogValue() slog.Value { return r.view().LogValue() }

// MarshalJSON redacts the credentials' secrets (see [Token.MarshalJSON]).
func (r LoginResult) MarshalJSON() ([]byte, error) { return r.view().MarshalJSON() }

// MarshalXML redacts the credentials' secrets in encoding/xml too.
func (r LoginResult) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return r.view().MarshalXML(e, start)
}

// GobEncode fails: encoding/gob would write the secrets in clear.
func (LoginResult) GobEncode() ([]byte, error) { return nil, errNoGob("LoginResult") }

// LoginWithWebIdentity exchanges webIdentityToken (an access token of the
// partition's identity provider) for temporary credentials with Astran's
// STS action LoginWithWebIdentity, at the STS endpoint of ep (see
// [endpoint.Resolve]). sessionName defaults to "astran-go". Transient
// failures are retried; errors are *STSError values wrapping a category
// such as [ErrTokenExpired] or [ErrAccessDenied].
func LoginWithWebIdentity(ctx context.Context, ep endpoint.Endpoints, webIdentityToken, sessionName string, optFns ...func(*RequestOptions)) (*LoginResult, error) {
	o := apply(optFns)
	o, _ = o.withDefaults()
	if sessionName == "" {
		sessionName = "astran-go"
	}
	return loginWithWebIdentity(ctx, &o, ep.STS, webIdentityToken, sessionName)
}

const opLogin = "LoginWithWebIdentity"

func loginWithWebIdentity(ctx context.Context, o *RequestOptions, u, token, sessionName string) (*LoginResult, error) {
	if !validURL(u) {
		return nil, &STSError{Op: opLogin, URL: u, Kind: ErrInvalidConfig, Err: errors.New("no valid STS endpoint")}
	}
	if token == "" {
		return nil, &STSError{Op: opLogin, URL: u, Kind: ErrInvalidConfig, Err: errors.New("empty web identity token")}
	}
	form := url.Values{
		"Version":          {"2011-06-15"},
		"Action":           {opLogin},
		"WebIdentityToken": {token},
		"UserSessionName":  {sessionName},
	}.Encode()
	var res *LoginResult
	err := retry.Do(ctx, o.retryPolicy(opLogin), transient, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form))
		if err != nil {
			return &STSError{Op: opLogin, URL: u, Kind: ErrInvalidConfig, Err: err}
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		req.Header.Set("Accept", "application/xml, text/xml, text/plain")
		resp, err := o.HTTPClient.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return &STSError{Op: opLogin, URL: u, Err: ctx.Err()}
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // the url.Error repeats the URL
			}
			return &STSError{Op: opLogin, URL: u, Kind: ErrUnreachable, Err: err}
		}
		defer resp.Body.Close()
		body, err := readCapped(resp.Body, o.MaxResponseBytes)
		if err != nil {
			if ctx.Err() != nil {
				return &STSError{Op: opLogin, URL: u, Err: ctx.Err()}
			}
			return &STSError{Op: opLogin, URL: u, StatusCode: resp.StatusCode, Kind: ErrMalformedResponse, Err: err}
		}
		if resp.StatusCode != http.StatusOK {
			e := parseErrorResponse(body, token)
			e.Op, e.URL, e.StatusCode = opLogin, u, resp.StatusCode
			e.Kind = stsKind(e.StatusCode, e.Code, e.Message)
			return e
		}
		r, err := parseLoginResponse(body)
		if err != nil {
			return &STSError{Op: opLogin, URL: u, StatusCode: resp.StatusCode, Kind: ErrMalformedResponse, Err: err}
		}
		if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
			r.ServerTime = d
		}
		res = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	o.Logger.Debug("sts: logged in", "result", res)
	return res, nil
}

// stsKind classifies an STS failure from the status, the AWS error code
// and the message (Astran also answers in plain text).
func stsKind(status int, code, msg string) error {
	m := strings.ToLower(msg)
	switch code {
	case "ExpiredTokenException", "ExpiredToken":
		return ErrTokenExpired
	case "IDPCommunicationError", "Throttling", "ThrottlingException", "RequestLimitExceeded",
		"ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalError":
		return ErrUnavailable
	case "InvalidIdentityToken", "IDPRejectedClaim":
		// AWS reports a failure to fetch the identity provider's keys as
		// InvalidIdentityToken: that one is transient.
		if strings.Contains(m, "verification key") || strings.Contains(m, "jwks") {
			return ErrUnavailable
		}
		if strings.Contains(m, "expired") {
			return ErrTokenExpired
		}
		return ErrTokenInvalid
	case "AccessDenied", "AccessDeniedException", "RegionDisabledException":
		return ErrAccessDenied
	}
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		return ErrUnavailable
	case strings.Contains(m, "token expired") || strings.Contains(m, "token is expired"):
		return ErrTokenExpired
	case strings.HasPrefix(m, "invalid token"), strings.Contains(m, "invalid web identity token"):
		return ErrTokenInvalid
	case status == http.StatusForbidden, strings.Contains(m, "access denied"), strings.Contains(m, "permission"):
		return ErrAccessDenied
	}
	return ErrRejected
}

// xmlLoginResponse mirrors Astran's documented response; tags without a
// namespace match elements by local name in any namespace.
type xmlLoginResponse struct {
	XMLName xml.Name `xml:"LoginWithWebIdentityResponse"`
	Result  struct {
		Credentials struct {
			AccessKeyID     string `xml:"AccessKeyId"`
			SecretAccessKey string `xml:"SecretAccessKey"`
			SessionToken    string `xml:"SessionToken"`
			Expiration      string `xml:"Expiration"`
		} `xml:"Credentials"`
		Subject  string `xml:"SubjectFromWebIdentityToken"`
		Audience string `xml:"Audience"`
		User     struct {
			ID  string `xml:"Id"`
			ARN string `xml:"Arn"`
		} `xml:"User"`
		Provider       string `xml:"Provider"`
		SourceIdentity string `xml:"SourceIdentity"`
	} `xml:"LoginWithWebIdentityResult"`
	Metadata struct {
		RequestID string `xml:"RequestId"`
	} `xml:"ResponseMetadata"`
}

// parseLoginResponse parses a LoginWithWebIdentity response body. Errors
// never contain the body.
func parseLoginResponse(body []byte) (*LoginResult, error) {
	var x xmlLoginResponse
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("parsing %s response: %w", opLogin, xmlErr(err))
	}
	c := x.Result.Credentials
	trim := strings.TrimSpace
	r := &LoginResult{
		Credentials: Credentials{
			AccessKeyID:     trim(c.AccessKeyID),
			SecretAccessKey: trim(c.SecretAccessKey),
			SessionToken:    trim(c.SessionToken),
		},
		Subject:        trim(x.Result.Subject),
		Audience:       trim(x.Result.Audience),
		UserID:         trim(x.Result.User.ID),
		Provider:       trim(x.Result.Provider),
		SourceIdentity: trim(x.Result.SourceIdentity),
		RequestID:      trim(x.Metadata.RequestID),
	}
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"AccessKeyId", r.Credentials.AccessKeyID},
		{"SecretAccessKey", r.Credentials.SecretAccessKey},
		{"SessionToken", r.Credentials.SessionToken},
		{"Expiration", trim(c.Expiration)},
	} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("parsing %s response: missing %s", opLogin, strings.Join(missing, ", "))
	}
	exp, err := time.Parse(time.RFC3339Nano, trim(c.Expiration))
	if err != nil {
		return nil, fmt.Errorf("parsing %s response: Expiration %q is not an RFC 3339 time", opLogin, serverText(trim(c.Expiration)))
	}
	r.Credentials.Expiration = exp
	if s := trim(x.Result.User.ARN); s != "" {
		a, err := arn.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("parsing %s response: User/Arn: %w", opLogin, err)
		}
		r.User = a
	}
	return r, nil
}

// xmlErr drops encoding/xml's echo of unexpected element names (which may
// be anything the server sent) beyond a short prefix.
func xmlErr(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("XML syntax error on line %d", se.Line)
	}
	return errors.New(serverText(err.Error()))
}

type xmlError struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// xmlErrorResponse accepts the AWS query protocol's
// <ErrorResponse><Error>…</Error><RequestId>…</RequestId></ErrorResponse>
// and the bare <Error> form.
type xmlErrorResponse struct {
	XMLName   xml.Name
	Error     xmlError `xml:"Error"`
	Errors    xmlError `xml:"Errors>Error"` // <Response><Errors><Error>
	RequestID string   `xml:"RequestId"`
	// Fields of the bare <Error> form.
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// parseErrorResponse reads an STS error body: query-protocol XML or plain
// text. token is removed from any text kept.
func parseErrorResponse(body []byte, secrets ...string) *STSError {
	e := &STSError{}
	trimmed := bytes.TrimSpace(body)
	if bytes.HasPrefix(trimmed, []byte("<")) {
		var x xmlErrorResponse
		dec := xml.NewDecoder(bytes.NewReader(trimmed))
		dec.Strict = true
		if err := dec.Decode(&x); err == nil && (x.XMLName.Local == "ErrorResponse" || x.XMLName.Local == "Error" || x.XMLName.Local == "Response") {
			xe := x.Error
			switch x.XMLName.Local {
			case "Error":
				xe = xmlError{Type: x.Type, Code: x.Code, Message: x.Message}
			case "Response":
				xe = x.Errors
			}
			e.Type = serverText(xe.Type, secrets...)
			e.Code = serverText(xe.Code, secrets...)
			e.Message = serverText(xe.Message, secrets...)
			e.RequestID = serverText(x.RequestID, secrets...)
			return e
		}
		e.Err = errors.New("unparsable error body")
		return e
	}
	e.Message = serverText(string(trimmed), secrets...)
	return e
}
