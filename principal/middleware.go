package principal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/astran-oss/astran-go/policy"
)

// RequestMapper maps an HTTP request to the action and resource to
// authorize, for example ("s3:GetObject", "arn:demo:s3:::bucket/key").
// An error answers 400 InvalidRequest with the error's text.
type RequestMapper func(r *http.Request) (action, resource string, err error)

// MiddlewareOptions configures [Middleware].
type MiddlewareOptions struct {
	// Verify, when not nil, is called with the caller taken from a SigV4
	// Authorization header or X-Amz-Credential query parameter before it is
	// trusted; a non-nil error answers 403 SignatureDoesNotMatch.
	//
	// When Verify is nil the middleware does NOT check signatures: it MUST
	// only be used behind a front that has verified the SigV4 signature
	// (such as Astran's gateway or the emulator), or with callers
	// put in the request context by [WithCaller].
	Verify func(r *http.Request, caller Caller) error
	// Context returns the request's context keys. Nil means
	// [RequestContext] (aws:SourceIp, aws:SecureTransport, aws:UserAgent).
	// The keys returned override those derived from the caller's identity,
	// so they MUST NOT be copied from client-controlled input such as
	// headers or query parameters without checking their names.
	Context func(r *http.Request) policy.Context
	// Logger receives store failures. Nil means slog.Default().
	Logger *slog.Logger
}

type callerKey struct{}

// WithCaller returns a copy of ctx carrying caller, for [Middleware] and
// [CallerFromContext]. A caller in the context takes precedence over SigV4
// headers and is not passed to MiddlewareOptions.Verify.
func WithCaller(ctx context.Context, caller Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, caller)
}

// CallerFromContext returns the caller stored by [WithCaller].
func CallerFromContext(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok && !c.IsZero()
}

// AccessKeyID returns the access key ID of a SigV4-signed request, read
// from the Credential= part of the Authorization header or from the
// X-Amz-Credential query parameter (presigned URLs). It does not verify
// the signature.
func AccessKeyID(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		_, rest, ok := strings.Cut(h, "Credential=")
		if !ok {
			return "", false
		}
		return credentialKey(rest)
	}
	if q := r.URL.Query().Get("X-Amz-Credential"); q != "" {
		return credentialKey(q)
	}
	return "", false
}

// credentialKey returns the access key ID of "AKID/date/region/service/aws4_request…".
func credentialKey(cred string) (string, bool) {
	akid, _, ok := strings.Cut(cred, "/")
	if !ok || akid == "" || strings.ContainsAny(akid, " ,=") {
		return "", false
	}
	return akid, true
}

// RequestContext returns the global condition keys of r: aws:SourceIp (the
// remote address; X-Forwarded-For is not trusted), aws:SecureTransport and
// aws:UserAgent.
func RequestContext(r *http.Request) policy.Context {
	var c policy.Context
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.Set("aws:SourceIp", host)
	}
	if r.TLS != nil {
		c.Set("aws:SecureTransport", "true")
	} else {
		c.Set("aws:SecureTransport", "false")
	}
	if ua := r.UserAgent(); ua != "" {
		c.Set("aws:UserAgent", ua)
	}
	return c
}

// Middleware returns net/http middleware that authorizes each request with
// authz before calling the next handler. The caller is the one stored in
// the request context by [WithCaller], or else the access key ID of the
// request's SigV4 credential (resolved to an STS session by the store).
// The action and resource come from mapper.
//
// Denied requests get an S3-style XML error: 403 AccessDenied ("You don't
// have permission to access this resource") for a deny or a missing
// caller, 403 InvalidAccessKeyId or ExpiredToken for an unknown or expired
// session, 400 InvalidRequest for a mapper error and 500 InternalError for a
// failing store. Allowed requests reach next with the caller in their
// context ([CallerFromContext]).
func Middleware(authz *Authorizer, mapper RequestMapper, optFns ...func(*MiddlewareOptions)) func(http.Handler) http.Handler {
	var o MiddlewareOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Context == nil {
		o.Context = RequestContext
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			caller, ok := CallerFromContext(r.Context())
			if !ok {
				akid, found := AccessKeyID(r)
				if !found {
					writeError(w, r, http.StatusForbidden, "AccessDenied", accessDeniedMessage)
					return
				}
				caller = Caller{AccessKeyID: akid}
				if o.Verify != nil {
					if err := o.Verify(r, caller); err != nil {
						writeError(w, r, http.StatusForbidden, "SignatureDoesNotMatch",
							"The request signature we calculated does not match the signature you provided.")
						return
					}
				}
			}
			action, resource, err := mapper(r)
			if err != nil {
				writeError(w, r, http.StatusBadRequest, "InvalidRequest", err.Error())
				return
			}
			res, err := authz.Authorize(r.Context(), caller, action, resource, o.Context(r))
			switch {
			case errors.Is(err, ErrExpired):
				writeError(w, r, http.StatusForbidden, "ExpiredToken", "The provided token has expired.")
				return
			case errors.Is(err, ErrNotFound) && IsCallerError(err) && caller.AccessKeyID != "":
				writeError(w, r, http.StatusForbidden, "InvalidAccessKeyId",
					"The AWS Access Key Id you provided does not exist in our records.")
				return
			case IsCallerError(err):
				writeError(w, r, http.StatusForbidden, "AccessDenied", accessDeniedMessage)
				return
			case err != nil:
				o.Logger.ErrorContext(r.Context(), "principal: authorizing request",
					slog.Any("caller", caller), slog.String("action", action), slog.Any("error", err))
				writeError(w, r, http.StatusInternalServerError, "InternalError",
					"We encountered an internal error. Please try again.")
				return
			case !res.Allowed():
				writeError(w, r, http.StatusForbidden, "AccessDenied", accessDeniedMessage)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithCaller(r.Context(), caller)))
		})
	}
}

const accessDeniedMessage = "You don't have permission to access this resource"

var xmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := strings.ToUpper(hex.EncodeToString(b[:]))
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", id)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>"+code+
		"</Code><Message>"+xmlText.Replace(msg)+"</Message><Resource>"+xmlText.Replace(r.URL.Path)+
		"</Resource><RequestId>"+id+"</RequestId></Error>")
}
