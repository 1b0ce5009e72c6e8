package principal_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/principal"
)

// s3Mapper maps path-style S3 requests: GET /bucket/key -> s3:GetObject, ...
func s3Mapper(r *http.Request) (string, string, error) {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if bucket == "" {
		return "", "", errors.New("no bucket")
	}
	res := "arn:demo:s3:::" + bucket
	if key != "" {
		res += "/" + key
	}
	switch {
	case r.Method == http.MethodGet && key != "":
		return "s3:GetObject", res, nil
	case r.Method == http.MethodGet:
		return "s3:ListBucket", res, nil
	case r.Method == http.MethodPut:
		return "s3:PutObject", res, nil
	case r.Method == http.MethodDelete:
		return "s3:DeleteObject", res, nil
	}
	return "", "", errors.New("unsupported method")
}

func sigv4(akid string) string {
	return "AWS4-HMAC-SHA256 Credential=" + akid + "/20260102/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123"
}

type s3Error struct {
	Code      string
	Message   string
	Resource  string
	RequestID string `xml:"RequestId"`
}

func TestMiddleware(t *testing.T) {
	_, authz := newAuthz(t)
	var verified []string
	h := principal.Middleware(authz, s3Mapper, func(o *principal.MiddlewareOptions) {
		o.Verify = func(r *http.Request, c principal.Caller) error {
			verified = append(verified, c.AccessKeyID)
			if r.Header.Get("X-Bad-Signature") != "" {
				return errors.New("bad signature")
			}
			return nil
		}
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := principal.CallerFromContext(r.Context())
		if !ok {
			http.Error(w, "no caller", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "ok "+c.String())
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()

	tests := map[string]struct {
		method, path string
		header       http.Header
		query        url.Values
		wantStatus   int
		wantCode     string
		wantBody     string
	}{
		"allowed via header":   {method: "GET", path: "/b/k", header: http.Header{"Authorization": {sigv4("ASIAALICE")}}, wantStatus: 200, wantBody: "ok ASIAALICE"},
		"allowed via presign":  {method: "GET", path: "/b/k", query: url.Values{"X-Amz-Credential": {"ASIAALICE/20260102/us-east-1/s3/aws4_request"}}, wantStatus: 200},
		"explicit deny":        {method: "DELETE", path: "/b/k", header: http.Header{"Authorization": {sigv4("ASIAALICE")}}, wantStatus: 403, wantCode: "AccessDenied"},
		"implicit deny":        {method: "PUT", path: "/b/k", header: http.Header{"Authorization": {sigv4("ASIAMARKETING")}}, wantStatus: 403, wantCode: "AccessDenied"},
		"root":                 {method: "DELETE", path: "/b/k", header: http.Header{"Authorization": {sigv4("ASIAROOT")}}, wantStatus: 200},
		"anonymous":            {method: "GET", path: "/b/k", wantStatus: 403, wantCode: "AccessDenied"},
		"malformed credential": {method: "GET", path: "/b/k", header: http.Header{"Authorization": {"AWS4-HMAC-SHA256 Signature=x"}}, wantStatus: 403, wantCode: "AccessDenied"},
		"unknown key":          {method: "GET", path: "/b/k", header: http.Header{"Authorization": {sigv4("ASIANOPE")}}, wantStatus: 403, wantCode: "InvalidAccessKeyId"},
		"expired session":      {method: "GET", path: "/b/k", header: http.Header{"Authorization": {sigv4("ASIAOLD")}}, wantStatus: 403, wantCode: "ExpiredToken"},
		"deleted user":         {method: "GET", path: "/b/k", header: http.Header{"Authorization": {sigv4("ASIAGHOST")}}, wantStatus: 403, wantCode: "InvalidAccessKeyId"},
		"bad signature":        {method: "GET", path: "/b/k", header: http.Header{"Authorization": {sigv4("ASIAALICE")}, "X-Bad-Signature": {"1"}}, wantStatus: 403, wantCode: "SignatureDoesNotMatch"},
		"unmappable":           {method: "GET", path: "/", header: http.Header{"Authorization": {sigv4("ASIAALICE")}}, wantStatus: 400, wantCode: "InvalidRequest"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			u := srv.URL + tc.path
			if tc.query != nil {
				u += "?" + tc.query.Encode()
			}
			req, err := http.NewRequest(tc.method, u, nil)
			require.NoError(t, err)
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.wantStatus, resp.StatusCode, string(body))
			if tc.wantBody != "" {
				assert.Equal(t, tc.wantBody, string(body))
			}
			if tc.wantCode == "" {
				return
			}
			assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
			assert.True(t, strings.HasPrefix(string(body), "<?xml"), string(body))
			var e s3Error
			require.NoError(t, xml.Unmarshal(body, &e), string(body))
			assert.Equal(t, tc.wantCode, e.Code)
			assert.Equal(t, tc.path, e.Resource)
			assert.NotEmpty(t, e.RequestID)
			assert.Equal(t, resp.Header.Get("X-Amz-Request-Id"), e.RequestID)
			if tc.wantCode == "AccessDenied" {
				assert.Equal(t, "You don't have permission to access this resource", e.Message)
				assert.Contains(t, string(body), "<Message>You don't have permission to access this resource</Message>")
			}
		})
	}
	assert.NotContains(t, verified, "", "Verify always gets the access key")
}

func TestMiddleware_callerFromContext(t *testing.T) {
	_, authz := newAuthz(t)
	inner := principal.Middleware(authz, s3Mapper)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	// An authenticating front puts the caller in the context.
	front := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := user(r.Header.Get("X-User"))
		inner.ServeHTTP(w, r.WithContext(principal.WithCaller(r.Context(), c)))
	})
	for _, tc := range []struct {
		user, method string
		want         int
	}{
		{"carol@astran.io", "PUT", http.StatusForbidden},
		{"alice@astran.io", "PUT", http.StatusNoContent},
		{"nobody@astran.io", "GET", http.StatusForbidden},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(tc.method, "/b/k", nil)
		req.Header.Set("X-User", tc.user)
		front.ServeHTTP(rec, req)
		assert.Equal(t, tc.want, rec.Code, "%s %s", tc.user, tc.method)
	}
}

func TestMiddleware_storeFailure(t *testing.T) {
	var logs strings.Builder
	authz := principal.NewAuthorizer(failingStore{principal.NewMemoryStore()})
	h := principal.Middleware(authz, s3Mapper, func(o *principal.MiddlewareOptions) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})(http.NotFoundHandler())
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/b/k", nil)
	req = req.WithContext(principal.WithCaller(req.Context(), user("alice@astran.io")))
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Contains(t, rec.Body.String(), "<Code>InternalError</Code>")
	assert.NotContains(t, rec.Body.String(), "connection refused", "no internals in the response")
	assert.Contains(t, logs.String(), "connection refused")
}

func TestAccessKeyID(t *testing.T) {
	tests := map[string]struct {
		header, query string
		want          string
		ok            bool
	}{
		"header":        {header: sigv4("AKIAEXAMPLE"), want: "AKIAEXAMPLE", ok: true},
		"query":         {query: "X-Amz-Credential=ASIAQ%2F20260102%2Fus-east-1%2Fs3%2Faws4_request", want: "ASIAQ", ok: true},
		"none":          {},
		"no credential": {header: "Bearer xyz"},
		"empty key":     {header: "AWS4-HMAC-SHA256 Credential=/2026/us-east-1/s3/aws4_request"},
		"no slash":      {header: "AWS4-HMAC-SHA256 Credential=AKIA, Signature=x"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/b?"+tc.query, nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			got, ok := principal.AccessKeyID(r)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestRequestContext(t *testing.T) {
	r := httptest.NewRequest("GET", "/b", nil)
	r.RemoteAddr = "10.1.2.3:4567"
	r.Header.Set("User-Agent", "aws-cli/2")
	c := principal.RequestContext(r)
	v, _ := c.Get("aws:SourceIp")
	assert.Equal(t, []string{"10.1.2.3"}, v)
	v, _ = c.Get("aws:SecureTransport")
	assert.Equal(t, []string{"false"}, v)
	v, _ = c.Get("aws:UserAgent")
	assert.Equal(t, []string{"aws-cli/2"}, v)
}

// failingStore is a store whose identity lookups fail as an unreachable
// backend does.
type failingStore struct{ *principal.MemoryStore }

var errOutage = errors.New("dial tcp: connection refused")

func (failingStore) Identity(context.Context, arn.ARN) (principal.Identity, error) {
	return principal.Identity{}, errOutage
}
