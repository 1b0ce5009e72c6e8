package sigv4

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testKey    = "AKIATESTKEY000000000"
	testSecret = "secret/secret+secret/secret+secret/secre"
	emptyHash  = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

func lookup(id string) (Credentials, error) {
	switch id {
	case testKey:
		return Credentials{SecretAccessKey: testSecret}, nil
	case "ASIASESSION":
		return Credentials{SecretAccessKey: testSecret, SessionToken: "tok"}, nil
	}
	return Credentials{}, ErrUnknownKey
}

// serverSide turns a client request into what a handler sees.
func serverSide(t testing.TB, r *http.Request) *http.Request {
	t.Helper()
	sr := httptest.NewRequest(r.Method, r.URL.RequestURI(), nil)
	sr.Host = r.URL.Host
	for k, v := range r.Header {
		sr.Header[k] = v
	}
	if r.ContentLength > 0 {
		sr.Header.Set("Content-Length", "5")
		sr.ContentLength = r.ContentLength
	}
	return sr
}

func TestVerify(t *testing.T) {
	now := time.Date(2025, 3, 27, 10, 0, 0, 0, time.UTC)
	sign := func(creds aws.Credentials, method, u string, hdr map[string]string, s3 bool) *http.Request {
		r, _ := http.NewRequestWithContext(t.Context(), method, u, nil)
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		err := v4.NewSigner().SignHTTP(t.Context(), creds, r, emptyHash, "s3", "us-east-1", now,
			func(o *v4.SignerOptions) { o.DisableURIPathEscaping = s3 })
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	good := aws.Credentials{AccessKeyID: testKey, SecretAccessKey: testSecret}
	tests := []struct {
		name    string
		req     func() *http.Request
		wantErr error
	}{
		{"ok", func() *http.Request {
			return sign(good, "GET", "http://127.0.0.1:9000/bucket/a%20b/%C3%BC?list-type=2&prefix=x%2Fy", map[string]string{"X-Amz-Content-Sha256": emptyHash}, true)
		}, nil},
		{"ok with extra unsigned header", func() *http.Request {
			r := sign(good, "PUT", "http://127.0.0.1:9000/bucket", nil, true)
			r.Header.Set("User-Agent", "added-after-signing")
			return r
		}, nil},
		{"wrong secret", func() *http.Request {
			return sign(aws.Credentials{AccessKeyID: testKey, SecretAccessKey: "other"}, "GET", "http://127.0.0.1:9000/", nil, true)
		}, ErrSignature},
		{"tampered path", func() *http.Request {
			r := sign(good, "GET", "http://127.0.0.1:9000/bucket/key", nil, true)
			r.URL.Path = "/bucket/other"
			return r
		}, ErrSignature},
		{"tampered signed header", func() *http.Request {
			r := sign(good, "GET", "http://127.0.0.1:9000/b", map[string]string{"X-Amz-Meta-A": "1"}, true)
			r.Header.Set("X-Amz-Meta-A", "2")
			return r
		}, ErrSignature},
		{"unknown key", func() *http.Request {
			return sign(aws.Credentials{AccessKeyID: "AKIAOTHER", SecretAccessKey: testSecret}, "GET", "http://127.0.0.1:9000/", nil, true)
		}, ErrUnknownKey},
		{"missing session token", func() *http.Request {
			return sign(aws.Credentials{AccessKeyID: "ASIASESSION", SecretAccessKey: testSecret}, "GET", "http://127.0.0.1:9000/", nil, true)
		}, ErrTokenMismatch},
		{"session token ok", func() *http.Request {
			return sign(aws.Credentials{AccessKeyID: "ASIASESSION", SecretAccessKey: testSecret, SessionToken: "tok"}, "GET", "http://127.0.0.1:9000/", nil, true)
		}, nil},
		{"unsigned", func() *http.Request {
			r, _ := http.NewRequestWithContext(t.Context(), "GET", "http://127.0.0.1:9000/", nil)
			return r
		}, ErrMissing},
		{"garbage header", func() *http.Request {
			r, _ := http.NewRequestWithContext(t.Context(), "GET", "http://127.0.0.1:9000/", nil)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=a/b/c, SignedHeaders=host, Signature=00")
			return r
		}, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(serverSide(t, tc.req()), emptyHash, lookup, now, true)
			if !errors.Is(err, tc.wantErr) && !(tc.wantErr == nil && err == nil) {
				t.Errorf("Verify = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestVerify_presigned(t *testing.T) {
	now := time.Date(2025, 3, 27, 10, 0, 0, 0, time.UTC)
	r, _ := http.NewRequestWithContext(t.Context(), "GET", "http://127.0.0.1:9000/bucket/k%20y?X-Amz-Expires=300", nil)
	signed, _, err := v4.NewSigner().PresignHTTP(t.Context(),
		aws.Credentials{AccessKeyID: "ASIASESSION", SecretAccessKey: testSecret, SessionToken: "tok"},
		r, "UNSIGNED-PAYLOAD", "s3", "us-east-1", now, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(signed)
	req := httptest.NewRequest("GET", u.RequestURI(), nil)
	req.Host = u.Host
	if _, err := Verify(req, "", lookup, now.Add(time.Minute), true); err != nil {
		t.Fatalf("fresh presigned URL: %v", err)
	}
	if _, err := Verify(req, "", lookup, now.Add(301*time.Second), true); !errors.Is(err, ErrExpired) {
		t.Errorf("expired presigned URL: %v", err)
	}
	bad := httptest.NewRequest("GET", strings.Replace(u.RequestURI(), "k%20y", "k%20z", 1), nil)
	bad.Host = u.Host
	if _, err := Verify(bad, "", lookup, now, true); !errors.Is(err, ErrSignature) {
		t.Errorf("tampered presigned URL: %v", err)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIATESTKEY000000000/20250327/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc", "/b/k", "a=b", "20250327T100000Z", "host;content-length")
	f.Add("", "/b", "X-Amz-Signature=00&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIASESSION%2F20250327%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=9&X-Amz-SignedHeaders=host&X-Amz-Date=20250327T100000Z", "", "")
	f.Add("AWS4-HMAC-SHA256 ,,,=", "//x", "%zz", "garbage", "a;;b")
	f.Fuzz(func(t *testing.T, auth, path, query, date, signed string) {
		req := httptest.NewRequest("PUT", "/", nil)
		req.URL.Path = path
		req.URL.RawQuery = query
		req.RequestURI = path + "?" + query
		req.Host = "127.0.0.1:9000"
		if auth != "" {
			req.Header.Set("Authorization", auth+", SignedHeaders="+signed)
		}
		req.Header.Set("X-Amz-Date", date)
		req.Header.Set("Content-Length", "12")
		_, _ = Verify(req, emptyHash, lookup, time.Unix(0, 0), true)
	})
}
