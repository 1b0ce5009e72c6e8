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

// formatRedacted implements fmt.Formatter for the package's secret-holding
// types: every verb prints the redacted String (or GoString for %#v), so no
// verb or flag can reach the fields.
func formatRedacted(f fmt.State, verb rune, str, gostr string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		io.WriteString(f, gostr)
	case verb == 'q':
		io.WriteString(f, strconv.Quote(str))
	default:
		io.WriteString(f, str)
	}
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

// String returns a description of t without its tokens.
func (t Token) String() string {
	return fmt.Sprintf("sts.Token{TokenType:%s Scope:%s Expiry:%s RefreshExpiry:%s AccessToken:%s RefreshToken:%s IDToken:%s}",
		t.TokenType, t.Scope, timeString(t.Expiry), timeString(t.RefreshExpiry),
		mask(t.AccessToken), mask(t.RefreshToken), mask(t.IDToken))
}

// GoString is String: %#v must not print the tokens either.
func (t Token) GoString() string { return t.String() }

// Format implements [fmt.Formatter] so that every verb redacts.
func (t Token) Format(f fmt.State, verb rune) { formatRedacted(f, verb, t.String(), t.GoString()) }

// LogValue implements [slog.LogValuer] without the tokens.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("token_type", t.TokenType),
		slog.String("scope", t.Scope),
		slog.Time("expiry", t.Expiry),
		slog.Time("refresh_expiry", t.RefreshExpiry),
		slog.String("access_token", mask(t.AccessToken)),
		slog.String("refresh_token", mask(t.RefreshToken)),
	)
}

// MarshalJSON redacts the tokens too, so that a Token nested in a logged
// value (slog's JSON handler marshals nested values) cannot leak. To
// persist a Token, copy its fields into a type of your own.
func (t Token) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{
		"token_type": t.TokenType, "scope": t.Scope, "expiry": t.Expiry, "refresh_expiry": t.RefreshExpiry,
		"access_token": mask(t.AccessToken), "refresh_token": mask(t.RefreshToken), "id_token": mask(t.IDToken),
	})
}

// MarshalXML redacts the tokens in encoding/xml too.
func (t Token) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(struct {
		TokenType, Scope                   string
		Expiry, RefreshExpiry              time.Time
		AccessToken, RefreshToken, IDToken string
	}{t.TokenType, t.Scope, t.Expiry, t.RefreshExpiry, mask(t.AccessToken), mask(t.RefreshToken), mask(t.IDToken)}, start)
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

// String returns a description of c without its secrets.
func (c Credentials) String() string {
	return fmt.Sprintf("sts.Credentials{AccessKeyID:%s Expiration:%s SecretAccessKey:%s SessionToken:%s}",
		c.AccessKeyID, timeString(c.Expiration), mask(c.SecretAccessKey), mask(c.SessionToken))
}

// GoString is String.
func (c Credentials) GoString() string { return c.String() }

// Format implements [fmt.Formatter] so that every verb redacts.
func (c Credentials) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, c.String(), c.GoString())
}

// LogValue implements [slog.LogValuer] without the secrets.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", c.AccessKeyID),
		slog.Time("expiration", c.Expiration),
		slog.String("secret_access_key", mask(c.SecretAccessKey)),
		slog.String("session_token", mask(c.SessionToken)),
	)
}

// MarshalJSON redacts the secrets too (see [Token.MarshalJSON]).
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{
		"access_key_id": c.AccessKeyID, "expiration": c.Expiration,
		"secret_access_key": mask(c.SecretAccessKey), "session_token": mask(c.SessionToken),
	})
}

// MarshalXML redacts the secrets in encoding/xml too.
func (c Credentials) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(struct {
		AccessKeyID                   string
		Expiration                    time.Time
		SecretAccessKey, SessionToken string
	}{c.AccessKeyID, c.Expiration, mask(c.SecretAccessKey), mask(c.SessionToken)}, start)
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
