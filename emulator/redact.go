package emulator

import (
	"fmt"
	"log/slog"
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
