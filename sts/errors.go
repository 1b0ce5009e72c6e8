package sts

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Sentinel errors, one per category a caller may branch on. Errors returned
// by this package wrap at most one of them (plus a cause such as a network
// error or a context error); test with [errors.Is].
var (
	// ErrBadCredentials: the identity provider rejected the username or
	// password (Keycloak: 401 invalid_grant "Invalid user credentials"; any
	// provider: a 401 or 403 without an RFC 6749 error on the password
	// grant).
	ErrBadCredentials = errors.New("invalid username or password")
	// ErrAccountNotSetUp: the account exists but cannot log in yet
	// (Keycloak: 400 invalid_grant "Account is not fully set up"). The user
	// must verify the email address and set a password with the link Astran
	// emailed when the user was created.
	ErrAccountNotSetUp = errors.New("account is not fully set up: verify the email address and set a password with the link Astran emailed")
	// ErrUnauthorizedClient: the OIDC client may not use this grant
	// (Keycloak: 400 unauthorized_client "Client not allowed for direct
	// access grants").
	ErrUnauthorizedClient = errors.New("client not allowed to use this grant")
	// ErrInvalidClient: the OIDC client ID or client secret was rejected
	// (invalid_client).
	ErrInvalidClient = errors.New("invalid client ID or client secret")
	// ErrRefreshExpired: the refresh token expired or was rejected. The
	// [PasswordGrant] handles it by running a new password grant.
	ErrRefreshExpired = errors.New("refresh token expired or rejected")
	// ErrTokenExpired: STS rejected the web identity token as expired
	// ("Invalid token: Token expired"). A new token must be minted; resending
	// the same one cannot succeed.
	ErrTokenExpired = errors.New("web identity token expired")
	// ErrTokenInvalid: a token was rejected as invalid, by STS or by local
	// verification (signature, issuer, audience or expiry).
	ErrTokenInvalid = errors.New("web identity token invalid")
	// ErrAccessDenied: STS refused the request (AccessDenied), e.g. a role's
	// trust policy does not allow the caller.
	ErrAccessDenied = errors.New("access denied")
	// ErrUnreachable: no response from the endpoint (connection refused,
	// DNS failure, timeout of the HTTP client) after the retries.
	ErrUnreachable = errors.New("endpoint unreachable")
	// ErrUnavailable: the endpoint answered with a transient failure (5xx,
	// throttling, IDPCommunicationError) after the retries.
	ErrUnavailable = errors.New("service unavailable")
	// ErrMalformedResponse: a response could not be parsed, lacks a required
	// field, or is larger than the configured cap.
	ErrMalformedResponse = errors.New("malformed response")
	// ErrCredentialsExpired: STS returned credentials that had already
	// expired on arrival (the server's Expiration is not after its own Date,
	// or, without a Date header, not after the local clock): a clock problem.
	ErrCredentialsExpired = errors.New("credentials expired on arrival (check the clocks)")
	// ErrIssuerMismatch: the discovery document or a token names another
	// issuer than the configured one (trailing slashes are ignored; a
	// different scheme or host is not).
	ErrIssuerMismatch = errors.New("issuer mismatch")
	// ErrNoPassword: a [PasswordFunc] could not provide a password.
	ErrNoPassword = errors.New("no password available")
	// ErrNoToken: a [TokenSource] had no token to give (empty static
	// token; token file missing, empty or too large).
	ErrNoToken = errors.New("no identity token available")
	// ErrInvalidConfig: a required option is missing or invalid.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrSecretEncoding: a value holding secrets was given to an encoder
	// that cannot redact them (encoding/gob).
	ErrSecretEncoding = errors.New("value holds secrets")
	// ErrRejected: any other refusal by a server; the typed error carries
	// the server's code and message.
	ErrRejected = errors.New("request rejected")
)

// OIDCError reports a failed exchange with the OIDC identity provider. It
// keeps the server's RFC 6749 error code and description but never the
// request's secrets or the raw response body.
type OIDCError struct {
	Op          string // "password grant", "refresh token grant", "discovery", "verify token"
	URL         string // the endpoint, without credentials
	StatusCode  int    // HTTP status, 0 without a response
	Code        string // RFC 6749 "error", e.g. "invalid_grant"
	Description string // RFC 6749 "error_description", e.g. "Invalid user credentials"
	Kind        error  // category sentinel, e.g. ErrBadCredentials; may be nil
	Err         error  // cause (network, context or parse error); may be nil
}

func (e *OIDCError) Error() string {
	return errorText(e.Op, e.URL, e.Kind, e.StatusCode, e.Code, e.Description, "", e.Err)
}

// Unwrap returns the category and the cause.
func (e *OIDCError) Unwrap() []error { return nonNil(e.Kind, e.Err) }

// STSError reports a failed STS call. It keeps the AWS query error
// (Type, Code, Message, RequestId) or, for plain-text answers such as
// "Invalid token: Token expired", the text as Message, but never the web
// identity token or credentials.
type STSError struct {
	Op         string // "LoginWithWebIdentity", "AssumeRoleWithWebIdentity"
	URL        string // the endpoint
	StatusCode int    // HTTP status, 0 without a response
	Type       string // "Sender" or "Receiver"
	Code       string // e.g. "InvalidIdentityToken", "AccessDenied"
	Message    string
	RequestID  string
	Kind       error // category sentinel, e.g. ErrTokenExpired; may be nil
	Err        error // cause; may be nil
}

func (e *STSError) Error() string {
	return errorText(e.Op, e.URL, e.Kind, e.StatusCode, e.Code, e.Message, e.RequestID, e.Err)
}

// errorText formats an OIDCError or STSError:
// "sts: OP URL: KIND: server said STATUS CODE "MESSAGE" (request ID): CAUSE",
// leaving out the parts that are empty.
func errorText(op, url string, kind error, status int, code, message, requestID string, cause error) string {
	var b strings.Builder
	b.WriteString("sts: ")
	b.WriteString(op)
	if url != "" {
		b.WriteString(" ")
		b.WriteString(url)
	}
	if kind != nil {
		b.WriteString(": ")
		b.WriteString(kind.Error())
	}
	if status != 0 || code != "" || message != "" {
		b.WriteString(": server said")
		if status != 0 {
			b.WriteString(" " + strconv.Itoa(status))
		}
		if code != "" {
			b.WriteString(" " + code)
		}
		if message != "" {
			b.WriteString(" " + strconv.Quote(message))
		}
		if requestID != "" {
			b.WriteString(" (request " + requestID + ")")
		}
	}
	if cause != nil {
		b.WriteString(": ")
		b.WriteString(cause.Error())
	}
	return b.String()
}

// Unwrap returns the category and the cause.
func (e *STSError) Unwrap() []error { return nonNil(e.Kind, e.Err) }

func nonNil(errs ...error) []error {
	out := errs[:0:0]
	for _, err := range errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// transient reports whether err is worth retrying: the endpoint was
// unreachable or answered with a transient failure.
func transient(err error) bool {
	return errors.Is(err, ErrUnreachable) || errors.Is(err, ErrUnavailable)
}

// maxServerText caps server-provided text kept in errors.
const maxServerText = 256

// serverText sanitises text a server sent before it goes into an error: it
// removes every occurrence of the given secrets, collapses whitespace and
// caps the length.
func serverText(s string, secrets ...string) string {
	s = redactSecrets(s, secrets...)
	// Collapsing white space can make a secret appear (a tab between its
	// words): redact again.
	s = redactSecrets(strings.Join(strings.Fields(s), " "), secrets...)
	if len(s) > maxServerText {
		s = strings.ToValidUTF8(s[:maxServerText], "") + "..."
	}
	return s
}

// minRedactLen is the shortest encoding of a secret that is cut out of a
// text in place; a shorter one, if present, withholds the whole text (the
// secret could not be told apart from the rest).
const minRedactLen = 6

// redactSecrets removes from s every encoding of each secret that a server
// may echo: the raw value, its URL query escaping (form bodies), path
// escaping, JSON and HTML escaping, and its base64 (HTTP Basic credentials
// are base64 of "id:secret" with both query-escaped) at each of the three
// byte alignments, in the standard and URL alphabets.
func redactSecrets(s string, secrets ...string) string {
	var needles []string
	for _, sec := range secrets {
		if sec != "" {
			needles = append(needles, secretEncodings(sec)...)
		}
	}
	for _, n := range needles {
		if len(n) < minRedactLen && strings.Contains(s, n) {
			return redacted
		}
	}
	// Longest first, so that an encoding containing another goes whole.
	slices.SortFunc(needles, func(a, b string) int { return len(b) - len(a) })
	for _, n := range needles {
		s = strings.ReplaceAll(s, n, redacted)
	}
	return s
}

// secretEncodings returns the distinct encodings of sec that redactSecrets
// looks for.
func secretEncodings(sec string) []string {
	jsonEsc, _ := json.Marshal(sec)
	texts := []string{sec, url.QueryEscape(sec), url.PathEscape(sec),
		string(jsonEsc[1 : len(jsonEsc)-1]), html.EscapeString(sec)}
	out := slices.Clone(texts)
	for _, t := range texts[:2] { // base64 of the raw and the query-escaped value
		for align := range 3 {
			std := base64Core(t, align)
			out = append(out, std, strings.NewReplacer("+", "-", "/", "_").Replace(std))
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if out[0] == "" {
		out = out[1:]
	}
	return out
}

// base64Core returns the base64 characters that encode only bytes of t when
// t is preceded by align bytes (0 to 2) of something else: they appear in
// the base64 of any text containing t at such an offset.
func base64Core(t string, align int) string {
	enc := base64.StdEncoding.EncodeToString(append(make([]byte, align), t...))
	first := (8*align + 5) / 6         // first character whose bits all lie in t
	last := (8 * (align + len(t))) / 6 // one past the last such character
	if first >= last || last > len(enc) {
		return ""
	}
	return enc[first:last]
}
