// Package sigv4 verifies AWS Signature Version 4 requests (Authorization
// header and presigned query) for the emulator by recomputing the
// signature with aws-sdk-go-v2's signer over exactly the headers the client
// signed.
package sigv4

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Errors returned by [Verify]. Each maps to an AWS error code.
var (
	ErrMissing       = errors.New("request is not signed")           // MissingAuthenticationToken / AccessDenied
	ErrMalformed     = errors.New("malformed signature information") // IncompleteSignature / AuthorizationQueryParametersError
	ErrUnknownKey    = errors.New("unknown access key")              // InvalidAccessKeyId / InvalidClientTokenId
	ErrTokenMismatch = errors.New("invalid security token")          // InvalidToken
	ErrSignature     = errors.New("signature does not match")        // SignatureDoesNotMatch
	ErrExpired       = errors.New("request has expired")             // presigned URL past X-Amz-Expires
	ErrSkewed        = errors.New("request time too skewed")         // RequestTimeTooSkewed
)

// MaxSkew is how far a request's signing time may be from the server's
// clock, as in AWS. A presigned URL may be older (up to its X-Amz-Expires)
// but not signed further ahead.
const MaxSkew = 15 * time.Minute

// Credentials is what a lookup knows about an access key.
type Credentials struct {
	SecretAccessKey string
	SessionToken    string // required on the request when non-empty
}

// Lookup returns the credentials of an access key, or an error wrapping
// [ErrUnknownKey].
type Lookup func(accessKeyID string) (Credentials, error)

// Result describes a verified request.
type Result struct {
	AccessKeyID string
	Region      string
	Service     string
	SigningTime time.Time
	Presigned   bool
}

const (
	algorithm  = "AWS4-HMAC-SHA256"
	timeFormat = "20060102T150405Z"
)

type parsed struct {
	akid, date, region, service string
	signedHeaders               []string
	signature                   string
	amzDate                     string
	token                       string
	expires                     int64
	presigned                   bool
}

// authParams returns the Credential, SignedHeaders and Signature parameters
// of an Authorization header's value after the algorithm ("" when absent;
// the last one when repeated).
func authParams(params string) (cred, signedHeaders, signature string) {
	for _, part := range strings.Split(params, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signedHeaders = v
		case "Signature":
			signature = v
		}
	}
	return cred, signedHeaders, signature
}

func parse(r *http.Request) (parsed, error) {
	var p parsed
	q := r.URL.Query()
	if auth := r.Header.Get("Authorization"); auth != "" {
		rest, ok := strings.CutPrefix(auth, algorithm+" ")
		if !ok {
			return p, fmt.Errorf("%w: unsupported algorithm", ErrMalformed)
		}
		var cred, sh string
		cred, sh, p.signature = authParams(rest)
		if cred == "" || sh == "" || p.signature == "" {
			return p, fmt.Errorf("%w: Authorization header requires Credential, SignedHeaders and Signature", ErrMalformed)
		}
		if err := p.setCredential(cred); err != nil {
			return p, err
		}
		p.signedHeaders = strings.Split(sh, ";")
		p.amzDate = r.Header.Get("X-Amz-Date")
		p.token = r.Header.Get("X-Amz-Security-Token")
		return p, nil
	}
	if !q.Has("X-Amz-Signature") {
		return p, ErrMissing
	}
	p.presigned = true
	if q.Get("X-Amz-Algorithm") != algorithm {
		return p, fmt.Errorf("%w: unsupported X-Amz-Algorithm", ErrMalformed)
	}
	if err := p.setCredential(q.Get("X-Amz-Credential")); err != nil {
		return p, err
	}
	p.signature = q.Get("X-Amz-Signature")
	p.signedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	p.amzDate = q.Get("X-Amz-Date")
	p.token = q.Get("X-Amz-Security-Token")
	exp, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	if err != nil || exp <= 0 || exp > 7*24*3600 {
		return p, fmt.Errorf("%w: X-Amz-Expires must be between 1 and 604800", ErrMalformed)
	}
	p.expires = exp
	return p, nil
}

func (p *parsed) setCredential(cred string) error {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" || len(parts[1]) != 8 {
		return fmt.Errorf("%w: credential must be AKID/yyyymmdd/region/service/aws4_request", ErrMalformed)
	}
	p.akid, p.date, p.region, p.service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

// Verify checks r's signature. payloadHash is the hex SHA-256 of the body or
// a value such as "UNSIGNED-PAYLOAD" (S3 sends it in X-Amz-Content-Sha256);
// for presigned requests it is ignored ("UNSIGNED-PAYLOAD" is used). now is
// the server clock: a header-signed request more than [MaxSkew] from it, or
// a presigned one signed more than MaxSkew ahead of it, fails with
// [ErrSkewed] after its signature was verified (Result names the key, so the
// caller can report expired credentials first); a presigned URL past its
// X-Amz-Expires fails with [ErrExpired]. disablePathEscaping must be true
// for S3.
func Verify(r *http.Request, payloadHash string, lookup Lookup, now time.Time, disablePathEscaping bool) (Result, error) {
	p, err := parse(r)
	if err != nil {
		return Result{}, err
	}
	res := Result{AccessKeyID: p.akid, Region: p.region, Service: p.service, Presigned: p.presigned}
	t, err := time.Parse(timeFormat, p.amzDate)
	if err != nil && !p.presigned {
		// Fall back to the Date header, which SigV4 allows.
		if d := r.Header.Get("Date"); d != "" {
			t, err = http.ParseTime(d)
		}
	}
	if err != nil {
		return res, fmt.Errorf("%w: missing or bad X-Amz-Date", ErrMalformed)
	}
	if t.UTC().Format("20060102") != p.date {
		return res, fmt.Errorf("%w: credential date does not match X-Amz-Date", ErrMalformed)
	}
	res.SigningTime = t
	creds, err := lookup(p.akid)
	if err != nil {
		return res, err
	}
	if creds.SessionToken != "" && subtle.ConstantTimeCompare([]byte(creds.SessionToken), []byte(p.token)) != 1 {
		return res, ErrTokenMismatch
	}
	if creds.SessionToken == "" && p.token != "" {
		return res, ErrTokenMismatch
	}
	if p.presigned && !now.Before(t.Add(time.Duration(p.expires)*time.Second)) {
		return res, ErrExpired
	}

	// Rebuild the request with only the signed headers.
	rawPath := r.URL.EscapedPath()
	if ru := r.RequestURI; ru != "" && strings.HasPrefix(ru, "/") {
		rawPath, _, _ = strings.Cut(ru, "?")
	}
	u := &url.URL{Scheme: "http", Host: r.Host, Opaque: rawPath}
	q := r.URL.Query()
	if p.presigned {
		for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"} {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	if strings.HasPrefix(rawPath, "//") {
		u.Opaque = ""
		u.RawPath = rawPath
		u.Path, _ = url.PathUnescape(rawPath)
	}
	req, err := http.NewRequestWithContext(context.Background(), r.Method, "http://placeholder/", nil)
	if err != nil {
		return res, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	req.URL = u
	req.Host = r.Host
	hostSigned := false
	for _, h := range p.signedHeaders {
		h = strings.ToLower(strings.TrimSpace(h))
		switch h {
		case "host":
			hostSigned = true
		case "content-length":
			n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
			if err != nil && r.ContentLength >= 0 {
				n, err = r.ContentLength, nil
			}
			if err != nil {
				return res, fmt.Errorf("%w: bad content-length", ErrMalformed)
			}
			req.ContentLength = n
			if n == 0 {
				req.Header.Set("Content-Length", "0")
			}
		default:
			vals := r.Header.Values(h)
			if len(vals) == 0 && h != "x-amz-date" && h != "x-amz-security-token" {
				return res, fmt.Errorf("%w: signed header %q is missing", ErrMalformed, h)
			}
			req.Header[http.CanonicalHeaderKey(h)] = vals
		}
	}
	if !hostSigned {
		return res, fmt.Errorf("%w: host must be signed", ErrMalformed)
	}
	creds2 := aws.Credentials{AccessKeyID: p.akid, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}
	signer := v4.NewSigner()
	opt := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = disablePathEscaping }
	var got, gotHeaders string
	if p.presigned {
		signed, _, err := signer.PresignHTTP(context.Background(), creds2, req, "UNSIGNED-PAYLOAD", p.service, p.region, t, opt)
		if err != nil {
			return res, fmt.Errorf("%w: %w", ErrSignature, err)
		}
		su, err := url.Parse(signed)
		if err != nil {
			return res, fmt.Errorf("%w: %w", ErrSignature, err)
		}
		sq := su.Query()
		got, gotHeaders = sq.Get("X-Amz-Signature"), sq.Get("X-Amz-SignedHeaders")
	} else {
		if err := signer.SignHTTP(context.Background(), creds2, req, payloadHash, p.service, p.region, t, opt); err != nil {
			return res, fmt.Errorf("%w: %w", ErrSignature, err)
		}
		_, gotHeaders, got = authParams(strings.TrimPrefix(req.Header.Get("Authorization"), algorithm+" "))
	}
	want := append([]string(nil), p.signedHeaders...)
	for i := range want {
		want[i] = strings.ToLower(strings.TrimSpace(want[i]))
	}
	sort.Strings(want)
	if gotHeaders != strings.Join(want, ";") {
		return res, fmt.Errorf("%w: signed headers %q not supported", ErrSignature, strings.Join(want, ";"))
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(p.signature)) != 1 {
		return res, ErrSignature
	}
	if t.After(now.Add(MaxSkew)) || (!p.presigned && t.Before(now.Add(-MaxSkew))) {
		return res, ErrSkewed
	}
	return res, nil
}
