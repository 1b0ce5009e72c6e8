package emulator

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

const redacted = "REDACTED"

func redact(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// String describes the options with every secret (passwords, secret key)
// redacted.
func (o Options) String() string {
	return fmt.Sprintf("Options{Partition:%q Account:%q Addr:%q UserPassword:%q RootEmail:%q RootPassword:%q RootAccessKeyID:%q RootSecretAccessKey:%q SessionDuration:%s VirtualHostDomain:%q}",
		o.Partition, o.Account, o.Addr, redact(o.UserPassword), o.RootEmail, redact(o.RootPassword),
		o.RootAccessKeyID, redact(o.RootSecretAccessKey), o.SessionDuration, o.VirtualHostDomain)
}

// GoString is String, so %#v redacts too.
func (o Options) GoString() string { return o.String() }

// Format implements fmt.Formatter: every verb prints the redacted String
// (without it, %d or %t would print the fields).
func (o Options) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", o.String())
		return
	}
	io.WriteString(f, o.String())
}

// redactedOptions is Options as encoders see it: secrets redacted, no clock.
type redactedOptions struct {
	Partition, Account, Addr, UserPassword, RootEmail, RootPassword string
	RootAccessKeyID, RootSecretAccessKey, VirtualHostDomain         string
	SessionDuration                                                 time.Duration
}

func (o Options) redacted() redactedOptions {
	return redactedOptions{o.Partition, o.Account, o.Addr, redact(o.UserPassword), o.RootEmail, redact(o.RootPassword),
		o.RootAccessKeyID, redact(o.RootSecretAccessKey), o.VirtualHostDomain, o.SessionDuration}
}

// MarshalJSON encodes the options with the secrets redacted.
func (o Options) MarshalJSON() ([]byte, error) { return json.Marshal(o.redacted()) }

// MarshalXML encodes the options with the secrets redacted.
func (o Options) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(o.redacted(), start)
}

// GobEncode fails: encoding/gob would write the secrets in clear.
func (Options) GobEncode() ([]byte, error) {
	return nil, errors.New("emulator: Options hold secrets and are not gob-encoded")
}

// LogValue implements slog.LogValuer without the secrets.
func (o Options) LogValue() slog.Value {
	return slog.GroupValue(slog.String("partition", o.Partition), slog.String("account", o.Account),
		slog.String("addr", o.Addr), slog.String("root_access_key_id", o.RootAccessKeyID))
}

// String describes the server by partition and endpoints; no secret.
func (s *Server) String() string {
	return fmt.Sprintf("emulator.Server{Partition:%q IAM:%s STS:%s S3:%s Issuer:%s}",
		s.opts.Partition, s.endpoints.IAM, s.endpoints.STS, s.endpoints.S3, s.endpoints.Issuer)
}

// GoString is String.
func (s *Server) GoString() string { return s.String() }

// LogValue implements slog.LogValuer without the secrets.
func (s *Server) LogValue() slog.Value {
	return slog.GroupValue(slog.String("partition", s.opts.Partition), slog.String("iam", s.endpoints.IAM),
		slog.String("sts", s.endpoints.STS), slog.String("s3", s.endpoints.S3), slog.String("issuer", s.endpoints.Issuer))
}
