package emu_test

// Each test names the attack it defends against.

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestSecurity_requestSignedOutsideTimeWindow: a request signed more than 15
// minutes from the server's clock (a replayed capture, or one signed ahead
// of time) is RequestTimeTooSkewed, for IAM, STS and S3.
func TestSecurity_requestSignedOutsideTimeWindow(t *testing.T) {
	s := newServices(t)
	form := []byte("Action=ListUsers&Version=2010-05-08")
	formHdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for _, tc := range []struct {
		skew time.Duration
		ok   bool
	}{
		{0, true},
		{-14 * time.Minute, true},
		{14 * time.Minute, true},
		{-16 * time.Minute, false},
		{16 * time.Minute, false},
		{-365 * 24 * time.Hour, false},
		{365 * 24 * time.Hour, false},
	} {
		at := fixedNow.Add(tc.skew)
		for _, svc := range []struct {
			name  string
			serve http.HandlerFunc
			req   func() *http.Request
		}{
			{"iam", s.ServeIAM, func() *http.Request { return signedAt(t, at, "iam", "POST", "/", "iam.local", form, formHdr) }},
			{"sts", s.ServeSTS, func() *http.Request {
				return signedAt(t, at, "sts", "POST", "/", "sts.local", []byte("Action=GetCallerIdentity&Version=2011-06-15"), formHdr)
			}},
			{"s3", s.ServeS3, func() *http.Request { return signedAt(t, at, "s3", "GET", "/", "localhost", nil, nil) }},
		} {
			rec := httptest.NewRecorder()
			svc.serve(rec, svc.req())
			body := rec.Body.String()
			if tc.ok && rec.Code != http.StatusOK {
				t.Errorf("%s signed %v from the server clock: %d %s, want 200", svc.name, tc.skew, rec.Code, body)
			}
			if !tc.ok && (rec.Code != http.StatusForbidden || !strings.Contains(body, "<Code>RequestTimeTooSkewed</Code>")) {
				t.Errorf("%s signed %v from the server clock: %d %s, want 403 RequestTimeTooSkewed", svc.name, tc.skew, rec.Code, body)
			}
		}
	}
}

// presigned returns a root-presigned GET of target signed at `at` and valid
// for expires seconds (the query parameter is set as given, even if
// invalid).
func presigned(t *testing.T, at time.Time, target string, expires string) *http.Request {
	t.Helper()
	cr, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://localhost"+target+"?X-Amz-Expires="+url.QueryEscape(expires), nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _, err := v4.NewSigner().PresignHTTP(t.Context(), aws.Credentials{AccessKeyID: rootKey, SecretAccessKey: rootSecret},
		cr, "UNSIGNED-PAYLOAD", "s3", "us-east-1", at, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, strings.TrimPrefix(u, "http://localhost"), nil)
	r.Host = "localhost"
	return r
}

// TestSecurity_presignedURLOutsideItsLifetime: a presigned URL is refused
// once X-Amz-Expires has passed (AccessDenied "Request has expired"), an
// expiry beyond 7 days is refused outright, and one signed in the future is
// refused as skewed.
func TestSecurity_presignedURLOutsideItsLifetime(t *testing.T) {
	s := newServices(t)
	for _, tc := range []struct {
		name     string
		at       time.Time
		expires  string
		wantCode string // "" means 200
	}{
		{"fresh", fixedNow.Add(-time.Minute), "300", ""},
		{"expired", fixedNow.Add(-6 * time.Minute), "300", "AccessDenied"},
		{"expired after a week", fixedNow.Add(-8 * 24 * time.Hour), "604800", "AccessDenied"},
		{"longer than a week", fixedNow, "604801", "AuthorizationQueryParametersError"},
		{"signed in the future", fixedNow.Add(time.Hour), "300", "RequestTimeTooSkewed"},
	} {
		rec := httptest.NewRecorder()
		s.ServeS3(rec, presigned(t, tc.at, "/", tc.expires))
		body := rec.Body.String()
		if tc.wantCode == "" {
			if rec.Code != http.StatusOK {
				t.Errorf("%s: %d %s, want 200", tc.name, rec.Code, body)
			}
			continue
		}
		if !strings.Contains(body, "<Code>"+tc.wantCode+"</Code>") {
			t.Errorf("%s: %d %s, want %s", tc.name, rec.Code, body, tc.wantCode)
		}
		if tc.wantCode == "AccessDenied" && !strings.Contains(body, "Request has expired") {
			t.Errorf("%s: %s, want the message \"Request has expired\"", tc.name, body)
		}
	}
}

// countingReader is an endless request body that counts what was read.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// TestSecurity_unauthenticatedBodyIsNotRead: an unsigned (or wrongly
// signed) 16 MiB PUT is rejected from its headers; the S3 gate reads none
// of its body.
func TestSecurity_unauthenticatedBodyIsNotRead(t *testing.T) {
	s := newServices(t)
	const size = 16 << 20
	good := signed(t, "s3", "PUT", "/bucket/key", "localhost", nil, nil)
	for _, tc := range []struct {
		name   string
		header http.Header
	}{
		{"unsigned", http.Header{}},
		{"unknown key", http.Header{"Authorization": {strings.Replace(good.Header.Get("Authorization"), rootKey, "AKIAUNKNOWN000000000", 1)},
			"X-Amz-Date": good.Header.Values("X-Amz-Date"), "X-Amz-Content-Sha256": {"UNSIGNED-PAYLOAD"}}},
		{"bad signature", http.Header{"Authorization": {good.Header.Get("Authorization")[:len(good.Header.Get("Authorization"))-4] + "0000"},
			"X-Amz-Date": good.Header.Values("X-Amz-Date"), "X-Amz-Content-Sha256": {"UNSIGNED-PAYLOAD"}}},
		{"no payload hash", http.Header{"Authorization": good.Header.Values("Authorization"), "X-Amz-Date": good.Header.Values("X-Amz-Date")}},
	} {
		body := &countingReader{}
		r := httptest.NewRequest(http.MethodPut, "/bucket/key", io.LimitReader(body, size))
		r.Host = "localhost"
		r.ContentLength = size
		r.Header = tc.header.Clone()
		r.Header.Set("Content-Length", strconv.Itoa(size))
		rec := httptest.NewRecorder()
		s.ServeS3(rec, r)
		if rec.Code < 400 {
			t.Errorf("%s: status %d, want an error", tc.name, rec.Code)
		}
		if body.n != 0 {
			t.Errorf("%s: the gate read %d body bytes before rejecting the request, want 0", tc.name, body.n)
		}
	}
}
