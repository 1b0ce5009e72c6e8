package sts

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/term"
)

// redacted replaces every secret in String, GoString, LogValue and Format
// output.
const redacted = "[redacted]"

func mask(s string) string {
	if s == "" {
		return `""`
	}
	return redacted
}

// view is what the String, LogValue, MarshalJSON and MarshalXML methods of
// a secret-holding type show of a value: the same fields in the same order,
// secrets already masked. Each type lists its fields once, in a view
// method, so no output can show a field another one hides.
type view struct {
	typ    string // in String, e.g. "sts.Token"
	fields []field
}

// field is one field of a view.
type field struct {
	name  string // the Go field name: String and MarshalXML
	key   string // snake_case: LogValue and MarshalJSON
	value any    // a string, a time.Time or a secret-holding value
}

// String returns "typ{Name:value ...}", times in RFC 3339 ("never" when
// zero).
func (v view) String() string {
	var b strings.Builder
	b.WriteString(v.typ + "{")
	for i, f := range v.fields {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.name + ":")
		if t, ok := f.value.(time.Time); ok {
			b.WriteString(timeString(t))
		} else {
			fmt.Fprint(&b, f.value)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// Format implements fmt.Formatter: every verb prints String (quoted for
// %q), so no verb or flag can reach the value's fields.
func (v view) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		io.WriteString(f, strconv.Quote(v.String()))
		return
	}
	io.WriteString(f, v.String())
}

func (v view) LogValue() slog.Value {
	attrs := make([]slog.Attr, len(v.fields))
	for i, f := range v.fields {
		attrs[i] = slog.Any(f.key, f.value)
	}
	return slog.GroupValue(attrs...)
}

func (v view) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(v.fields))
	for _, f := range v.fields {
		m[f.key] = f.value
	}
	return json.Marshal(m)
}

func (v view) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, f := range v.fields {
		if err := e.EncodeElement(f.value, xml.StartElement{Name: xml.Name{Local: f.name}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

func timeString(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// Token is an OAuth2/OIDC token set obtained from the identity provider.
// Its String, GoString, LogValue and Format methods redact the tokens.
type Token struct {
	AccessToken  string    // the bearer token sent to STS as the web identity token
	RefreshToken string    // empty when the server sent none
	IDToken      string    // empty unless the "openid" scope was requested
	TokenType    string    // "Bearer"
	Scope        string    // e.g. "email"
	Expiry       time.Time // when AccessToken expires, on the local (injected) clock; zero = unknown
	// RefreshExpiry is when RefreshToken expires, on the local clock; zero
	// means unknown or unlimited (Keycloak's refresh_expires_in 0).
	RefreshExpiry time.Time
}

func (t Token) view() view {
	return view{"sts.Token", []field{
		{"TokenType", "token_type", t.TokenType},
		{"Scope", "scope", t.Scope},
		{"Expiry", "expiry", t.Expiry},
		{"RefreshExpiry", "refresh_expiry", t.RefreshExpiry},
		{"AccessToken", "access_token", mask(t.AccessToken)},
		{"RefreshToken", "refresh_token", mask(t.RefreshToken)},
		{"IDToken", "id_token", mask(t.IDToken)},
	}}
}

// String returns a description of t without its tokens.
func (t Token) String() string { return t.view().String() }

// GoString is String: %#v must not print the tokens either.
func (t Token) GoString() string { return t.String() }

// Format implements [fmt.Formatter] so that every verb redacts.
func (t Token) Format(f fmt.State, verb rune) { t.view().Format(f, verb) }

// LogValue implements [slog.LogValuer] without the tokens.
func (t Token) LogValue() slog.Value { return t.view().LogValue() }

// MarshalJSON redacts the tokens too, so that a Token nested in a logged
// value (slog's JSON handler marshals nested values) cannot leak. To
// persist a Token, copy its fields into a type of your own.
func (t Token) MarshalJSON() ([]byte, error) { return t.view().MarshalJSON() }

// MarshalXML redacts the tokens in encoding/xml too.
func (t Token) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return t.view().MarshalXML(e, start)
}

// GobEncode fails: encoding/gob would write the tokens in clear.
func (Token) GobEncode() ([]byte, error) { return nil, errNoGob("Token") }

// errNoGob is the error of the GobEncode methods of secret-holding types.
func errNoGob(typ string) error {
	return fmt.Errorf("sts: %s holds secrets and is not gob-encoded; copy its fields into a type of your own: %w", typ, ErrSecretEncoding)
}

// Credentials are temporary AWS credentials issued by Astran STS.
// Its String, GoString, LogValue and Format methods redact the secret key
// and session token; the access key ID is not secret and is shown.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time // as sent by the server (server clock)
}

// AWS converts c to [aws.Credentials] with the given Source, CanExpire
// set and Expires = c.Expiration.
func (c Credentials) AWS(source string) aws.Credentials {
	return aws.Credentials{
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Source:          source,
		CanExpire:       true,
		Expires:         c.Expiration,
	}
}

func (c Credentials) view() view {
	return view{"sts.Credentials", []field{
		{"AccessKeyID", "access_key_id", c.AccessKeyID},
		{"Expiration", "expiration", c.Expiration},
		{"SecretAccessKey", "secret_access_key", mask(c.SecretAccessKey)},
		{"SessionToken", "session_token", mask(c.SessionToken)},
	}}
}

// String returns a description of c without its secrets.
func (c Credentials) String() string { return c.view().String() }

// GoString is String.
func (c Credentials) GoString() string { return c.String() }

// Format implements [fmt.Formatter] so that every verb redacts.
func (c Credentials) Format(f fmt.State, verb rune) { c.view().Format(f, verb) }

// LogValue implements [slog.LogValuer] without the secrets.
func (c Credentials) LogValue() slog.Value { return c.view().LogValue() }

// MarshalJSON redacts the secrets too (see [Token.MarshalJSON]).
func (c Credentials) MarshalJSON() ([]byte, error) { return c.view().MarshalJSON() }

// MarshalXML redacts the secrets in encoding/xml too.
func (c Credentials) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return c.view().MarshalXML(e, start)
}

// GobEncode fails: encoding/gob would write the secrets in clear.
func (Credentials) GobEncode() ([]byte, error) { return nil, errNoGob("Credentials") }

// PasswordFunc returns a secret (a password or a client secret) when one
// is needed. It is called for every password grant (after the refresh token
// has expired, about once per credential renewal with Astran's defaults) and
// must be safe for concurrent use. Returned errors should wrap
// [ErrNoPassword] when no secret is available.
type PasswordFunc func(ctx context.Context) (string, error)

// PasswordFromEnv returns a PasswordFunc that reads the environment
// variable name on each call and fails with [ErrNoPassword] when it is
// unset or empty.
func PasswordFromEnv(name string) PasswordFunc {
	return func(context.Context) (string, error) {
		if v := os.Getenv(name); v != "" {
			return v, nil
		}
		return "", fmt.Errorf("sts: reading password: environment variable %s is not set: %w", name, ErrNoPassword)
	}
}

// PasswordFromTerminal returns a PasswordFunc that writes prompt to
// standard error and reads a line from standard input without echo. It
// fails with [ErrNoPassword] when standard input is not a terminal. If ctx
// ends first the call returns ctx's error at once; the pending terminal
// read ends when the user presses Enter.
func PasswordFromTerminal(prompt string) PasswordFunc {
	return terminalPassword(prompt, int(os.Stdin.Fd()), os.Stderr, term.IsTerminal, term.ReadPassword)
}

func terminalPassword(prompt string, fd int, w io.Writer, isTerminal func(int) bool, read func(int) ([]byte, error)) PasswordFunc {
	return func(ctx context.Context) (string, error) {
		if !isTerminal(fd) {
			return "", fmt.Errorf("sts: reading password: standard input is not a terminal: %w", ErrNoPassword)
		}
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("sts: reading password: %w", err)
		}
		io.WriteString(w, prompt)
		type result struct {
			pw  []byte
			err error
		}
		ch := make(chan result, 1) // buffered: the reader never blocks on send
		go func() {
			pw, err := read(fd)
			io.WriteString(w, "\n")
			ch <- result{pw, err}
		}()
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("sts: reading password: %w", ctx.Err())
		case r := <-ch:
			if r.err != nil {
				return "", fmt.Errorf("sts: reading password: %w: %w", ErrNoPassword, r.err)
			}
			pw := strings.TrimRight(string(r.pw), "\r\n")
			if pw == "" {
				return "", fmt.Errorf("sts: reading password: empty password: %w", ErrNoPassword)
			}
			return pw, nil
		}
	}
}

// StaticPassword returns a PasswordFunc that always returns password. It
// is meant for tests and for secrets already held by the caller; the value
// stays in memory for the life of the returned function.
func StaticPassword(password string) PasswordFunc {
	return func(context.Context) (string, error) {
		if password == "" {
			return "", fmt.Errorf("sts: reading password: empty password: %w", ErrNoPassword)
		}
		return password, nil
	}
}

var errNilPassword = errors.New("nil PasswordFunc")
