package emu_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/astran-oss/astran-go/emulator/internal/emu"
	"github.com/astran-oss/astran-go/emulator/internal/engine"
	"github.com/astran-oss/astran-go/emulator/internal/oidc"
)

const (
	rootKey    = "AKIAROOT000000000000"
	rootSecret = "rootsecretrootsecretrootsecretrootsecret"
)

var fixedNow = time.Date(2025, 3, 27, 10, 0, 0, 0, time.UTC)

func newServices(t testing.TB) *emu.Services {
	t.Helper()
	now := func() time.Time { return fixedNow }
	p, err := oidc.New("http://127.0.0.1:1/auth/realms/", now, oidc.Realm{Name: "demo", ClientID: "s5", DirectGrants: true})
	if err != nil {
		t.Fatal(err)
	}
	st := emu.NewState("demo", "ce09c61d-afac-404f-a96b-ebbbced80013")
	return &emu.Services{State: st, Engine: engine.New(st, now), OIDC: p, Now: now,
		RootAccessKeyID: rootKey, RootSecret: rootSecret, SessionDuration: time.Hour, S3Hosts: []string{"localhost"}}
}

// signed builds a server-side request signed by root at fixedNow.
func signed(t testing.TB, service, method, target, host string, body []byte, hdr http.Header) *http.Request {
	t.Helper()
	return signedAt(t, fixedNow, service, method, target, host, body, hdr)
}

// signedAt builds a server-side request signed by root at the given time.
func signedAt(t testing.TB, at time.Time, service, method, target, host string, body []byte, hdr http.Header) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, "/", bytes.NewReader(body))
	r.URL.Path = "" // replaced below
	cr, err := http.NewRequestWithContext(t.Context(), method, "http://"+host+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	cr.URL.Opaque, cr.URL.RawQuery, _ = strings.Cut(target, "?")
	for k, v := range hdr {
		cr.Header[k] = v
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if service == "s3" {
		cr.Header.Set("X-Amz-Content-Sha256", hash)
	}
	if err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: rootKey, SecretAccessKey: rootSecret},
		cr, hash, service, "us-east-1", at, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" }); err != nil {
		t.Fatal(err)
	}
	r = httptest.NewRequest(method, target, bytes.NewReader(body))
	r.Host = host
	r.Header = cr.Header.Clone()
	return r
}

// wellFormed reports whether b is empty or well-formed XML.
func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func serve(h http.HandlerFunc, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h(w, r)
	return w
}

func TestServeIAM_errors(t *testing.T) {
	s := newServices(t)
	form := func(body string) *httptest.ResponseRecorder {
		r := signed(t, "iam", "POST", "/", "127.0.0.1:2", []byte(body), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		return serve(s.ServeIAM, r)
	}
	tests := []struct {
		name, body string
		status     int
		code       string
	}{
		{"unknown action", "Action=Nope&Version=2010-05-08", 400, "InvalidAction"},
		{"missing user name", "Action=CreateUser&Version=2010-05-08", 400, "ValidationError"},
		{"bad escape", "Action=CreateUser&UserName=%zz", 400, "MalformedQueryString"},
		{"bad marker", "Action=ListUsers&Marker=!!!", 400, "InvalidInput"},
		{"bad max items", "Action=ListUsers&MaxItems=0", 400, "ValidationError"},
		{"bad path", "Action=CreateGroup&GroupName=g&Path=nope", 400, "ValidationError"},
		{"json policy garbage", "Action=CreatePolicy&PolicyName=p&PolicyDocument=%7B%7B", 400, "MalformedPolicyDocument"},
		{"huge policy", "Action=CreatePolicy&PolicyName=p&PolicyDocument=" + strings.Repeat("a", 200000), 409, "LimitExceeded"},
		{"unknown policy", "Action=GetPolicy&PolicyArn=arn:demo:iam::x:policy/none", 404, "NoSuchEntity"},
		{"not an arn", "Action=GetPolicy&PolicyArn=nope", 400, "InvalidInput"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := form(tc.body)
			var e struct {
				Code string `xml:"Error>Code"`
			}
			if err := xml.Unmarshal(w.Body.Bytes(), &e); err != nil || w.Code != tc.status || e.Code != tc.code {
				t.Errorf("got %d %q (%v), want %d %q: %s", w.Code, e.Code, err, tc.status, tc.code, w.Body)
			}
		})
	}
	// Oversized body.
	big := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("a", emu.MaxFormBody+1)))
	if w := serve(s.ServeIAM, big); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", w.Code)
	}
	// Unsigned.
	if w := serve(s.ServeIAM, httptest.NewRequest("POST", "/?Action=ListUsers", nil)); w.Code != 403 || !strings.Contains(w.Body.String(), "MissingAuthenticationToken") {
		t.Errorf("unsigned: %d %s", w.Code, w.Body)
	}
}

func TestServeS3_malformed(t *testing.T) {
	s := newServices(t)
	put := func(target string, body []byte, hdr http.Header) *httptest.ResponseRecorder {
		return serve(s.ServeS3, signed(t, "s3", "PUT", target, "127.0.0.1:3", body, hdr))
	}
	if w := put("/bucket", []byte("<CreateBucketConfiguration><oops"), nil); w.Code != 400 || !strings.Contains(w.Body.String(), "MalformedXML") {
		t.Errorf("malformed CreateBucketConfiguration: %d %s", w.Code, w.Body)
	}
	if w := put("/bucket", []byte(`<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`), nil); w.Code != 200 {
		t.Errorf("CreateBucket with configuration: %d %s", w.Code, w.Body)
	}
	if w := put("/bucket/key", []byte("x"), http.Header{"X-Amz-Copy-Source": {"/a/b"}}); w.Code != 501 {
		t.Errorf("CopyObject: %d", w.Code)
	}
	// A body whose hash does not match the signed X-Amz-Content-Sha256.
	r := signed(t, "s3", "PUT", "/bucket/key", "127.0.0.1:3", []byte("abc"), nil)
	r.Body = io.NopCloser(strings.NewReader("abd"))
	if w := serve(s.ServeS3, r); w.Code != 400 || !strings.Contains(w.Body.String(), "XAmzContentSHA256Mismatch") {
		t.Errorf("hash mismatch: %d %s", w.Code, w.Body)
	}
}

func TestDecodeChunked(t *testing.T) {
	body := "5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n"
	got, err := emu.DecodeChunked([]byte(body))
	if err != nil || string(got) != "hello world" {
		t.Errorf("DecodeChunked = %q, %v", got, err)
	}
	for _, bad := range []string{"", "zz\r\n", "5\r\nhel", "5\r\nhelloXX\r\n", "-1\r\n"} {
		if _, err := emu.DecodeChunked([]byte(bad)); err == nil {
			t.Errorf("DecodeChunked(%q) accepted", bad)
		}
	}
}

var iamActions = []string{"CreateUser", "GetUser", "ListUsers", "DeleteUser", "TagUser", "UntagUser", "CreateGroup", "GetGroup",
	"AddUserToGroup", "ListGroupsForUser", "AttachGroupPolicy", "DetachGroupPolicy", "CreatePolicy", "CreatePolicyVersion",
	"GetPolicyVersion", "ListPolicies", "CreateRole", "CreateOpenIDConnectProvider", "PutUserPolicy", "ListEntitiesForPolicy",
	"PutUserPermissionsBoundary", "CreateAccessKey", "DeletePolicy", "SetDefaultPolicyVersion"}

// FuzzServeIAM sends signed, arbitrary forms: no panic, no 5xx, always
// well-formed XML.
func FuzzServeIAM(f *testing.F) {
	f.Add(uint8(0), "UserName=bob%40astran.io&Tags.member.1.Key=k&Tags.member.1.Value=v")
	f.Add(uint8(2), "MaxItems=1&Marker=YQ")
	f.Add(uint8(12), "PolicyName=p&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D")
	f.Add(uint8(16), "RoleName=r&AssumeRolePolicyDocument=%5B%5D")
	f.Add(uint8(17), "Url=https%3A%2F%2Fexample.com&ClientIDList.member.1=a")
	f.Fuzz(func(t *testing.T, action uint8, body string) {
		s := newServices(t)
		form := "Action=" + iamActions[int(action)%len(iamActions)] + "&Version=2010-05-08&" + body
		w := serve(s.ServeIAM, signed(t, "iam", "POST", "/", "127.0.0.1:2", []byte(form), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}))
		if w.Code >= 500 {
			t.Fatalf("status %d for %q: %s", w.Code, form, w.Body)
		}
		if err := wellFormed(w.Body.Bytes()); err != nil {
			t.Fatalf("malformed XML for %q: %v\n%s", form, err, w.Body)
		}
	})
}

// FuzzServeSTS sends arbitrary unsigned forms to STS.
func FuzzServeSTS(f *testing.F) {
	f.Add("Action=LoginWithWebIdentity&WebIdentityToken=a.b.c&UserSessionName=x")
	f.Add("Action=AssumeRoleWithWebIdentity&RoleArn=arn:demo:iam::a:role/r&RoleSessionName=s&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.e30.AA")
	f.Add("Action=GetCallerIdentity")
	f.Fuzz(func(t *testing.T, body string) {
		s := newServices(t)
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := serve(s.ServeSTS, r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q", w.Code, body)
		}
		if err := wellFormed(w.Body.Bytes()); err != nil {
			t.Fatalf("malformed XML for %q: %v", body, err)
		}
	})
}

// FuzzServeS3 sends signed requests with arbitrary method, path, query and body.
func FuzzServeS3(f *testing.F) {
	f.Add(uint8(0), "/bucket", "", []byte(""))
	f.Add(uint8(0), "/bucket/key%20x", "", []byte("data"))
	f.Add(uint8(1), "/bucket", "list-type=2&prefix=a&delimiter=%2F&max-keys=1&encoding-type=url", []byte(""))
	f.Add(uint8(1), "/bucket", "list-type=2&continuation-token=%%%", []byte(""))
	f.Add(uint8(0), "/bucket", "", []byte("<CreateBucketConfiguration><LocationConstraint>x"))
	f.Add(uint8(4), "/bucket/key", "uploads", []byte(""))
	f.Add(uint8(4), "/bucket/key", "uploadId=x", []byte("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>"))
	f.Add(uint8(0), "/bucket/key", "uploadId=x&partNumber=1", []byte("p"))
	f.Add(uint8(1), "/bucket", "uploads", []byte(""))
	f.Fuzz(func(t *testing.T, method uint8, path, query string, body []byte) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?# \t\r\n") || strings.ContainsAny(query, "# \t\r\n") {
			return
		}
		s := newServices(t)
		methods := []string{"PUT", "GET", "HEAD", "DELETE", "POST"}
		m := methods[int(method)%len(methods)]
		target := path
		if query != "" {
			target += "?" + query
		}
		if _, err := url.ParseRequestURI(target); err != nil {
			return // net/http rejects such request lines before any handler
		}
		// Create a bucket first so object paths are exercised.
		serve(s.ServeS3, signed(t, "s3", "PUT", "/bucket", "127.0.0.1:3", nil, nil))
		defer func() {
			if v := recover(); v != nil {
				t.Fatalf("panic for %s %s: %v", m, target, v)
			}
		}()
		r := signed(t, "s3", m, target, "127.0.0.1:3", body, nil)
		w := serve(s.ServeS3, r)
		if w.Code >= 500 && w.Code != http.StatusNotImplemented {
			t.Fatalf("status %d for %s %s: %s", w.Code, m, target, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); strings.Contains(ct, "xml") {
			if err := wellFormed(w.Body.Bytes()); err != nil {
				t.Fatalf("malformed XML for %s %s: %v", m, target, err)
			}
		}
	})
}

func FuzzDecodeChunked(f *testing.F) {
	f.Add([]byte("5;chunk-signature=abc\r\nhello\r\n0\r\n\r\n"))
	f.Add([]byte("ffffffffffffffff\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := emu.DecodeChunked(b)
		if err == nil && len(out) > len(b) {
			t.Fatalf("decoded %d bytes from %d", len(out), len(b))
		}
	})
}

// FuzzBucketPolicy: any PutBucketPolicy body is stored (204, and read back
// verbatim) or refused as MalformedPolicy; nothing else, no panic.
func FuzzBucketPolicy(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:demo:s3:::bucket/*"}]}`))
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:demo:iam::a:user/x@y.z"},"Action":"s3:*","NotResource":"arn:demo:s3:::bucket"}]}`))
	f.Add([]byte(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::other/*"}]}`))
	f.Add([]byte(`{"Version":`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s := newServices(t)
		serve(s.ServeS3, signed(t, "s3", "PUT", "/bucket", "127.0.0.1:3", nil, nil))
		w := serve(s.ServeS3, signed(t, "s3", "PUT", "/bucket?policy", "127.0.0.1:3", body, nil))
		switch w.Code {
		case http.StatusNoContent:
			got := serve(s.ServeS3, signed(t, "s3", "GET", "/bucket?policy", "127.0.0.1:3", nil, nil))
			if got.Code != http.StatusOK || got.Body.String() != string(body) {
				t.Fatalf("stored policy read back as %d %q, want %q", got.Code, got.Body, body)
			}
		case http.StatusBadRequest:
			if !strings.Contains(w.Body.String(), "<Code>MalformedPolicy</Code>") {
				t.Fatalf("400 without MalformedPolicy: %s", w.Body)
			}
		default:
			t.Fatalf("status %d for policy %q: %s", w.Code, body, w.Body)
		}
	})
}
