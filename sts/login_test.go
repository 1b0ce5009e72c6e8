package sts_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/sts"
)

func TestParseLoginResponse(t *testing.T) {
	for _, name := range []string{"login_response.xml", "login_response_ns.xml"} {
		t.Run(name, func(t *testing.T) {
			r, err := sts.ParseLoginResponse(readTestdata(t, name))
			if err != nil {
				t.Fatal(err)
			}
			c := r.Credentials
			if c.AccessKeyID != "ASIA4FB16A86064449E6A02C1BB6EE4740CD" || c.SecretAccessKey != "tSSQTo03wjC0Z5VXJAPNOu3HLPKweIWBOT82kVBx" || c.SessionToken != "SOME_SESSION_TOKEN" {
				t.Errorf("credentials %#v", c)
			}
			if want := time.Date(2025, 3, 27, 10, 27, 32, 0, time.UTC); !c.Expiration.Truncate(time.Second).Equal(want) {
				t.Errorf("Expiration %v", c.Expiration)
			}
			if r.User.String() != "arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io" || r.User.Name() != "bob@astran.io" {
				t.Errorf("User %v", r.User)
			}
			if r.Audience != "s5" || r.Subject != "c654348c-b583-4cde-8b4a-2011f31cd2cb" || r.Provider != "https://astran.cloud-iam.com/auth/realms/demo" {
				t.Errorf("result %v", r)
			}
		})
	}
}

func TestParseLoginResponse_invalid(t *testing.T) {
	good := string(readTestdata(t, "login_response.xml"))
	deep := strings.Repeat("<a>", 200000) + strings.Repeat("</a>", 200000)
	tests := map[string]string{
		"empty":             "",
		"not xml":           "Invalid token: Token expired",
		"json":              `{"Credentials":{}}`,
		"wrong root":        strings.ReplaceAll(good, "LoginWithWebIdentityResponse", "AssumeRoleWithWebIdentityResponse"),
		"error response":    `<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>`,
		"truncated":         good[:len(good)/2],
		"missing secret":    strings.Replace(good, "<SecretAccessKey>tSSQTo03wjC0Z5VXJAPNOu3HLPKweIWBOT82kVBx</SecretAccessKey>", "", 1),
		"empty session":     strings.Replace(good, "SOME_SESSION_TOKEN", "  ", 1),
		"no expiration":     strings.Replace(good, "<Expiration>2025-03-27T10:27:32Z</Expiration>", "", 1),
		"bad expiration":    strings.Replace(good, "2025-03-27T10:27:32Z", "in an hour", 1),
		"bad user arn":      strings.Replace(good, "arn:demo:iam::", "urn:demo:iam::", 1),
		"mismatched tags":   strings.Replace(good, "</Audience>", "</Audiences>", 1),
		"deep nesting":      "<LoginWithWebIdentityResponse>" + deep + "</LoginWithWebIdentityResponse>",
		"external entity":   `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + strings.Replace(good, "s5", "&xxe;", 1),
		"billion laughs":    `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` + strings.Replace(good, "s5", "&b;", 1),
		"unknown entity":    strings.Replace(good, "s5", "&nbsp;", 1),
		"two roots garbage": good + "<x>",
		"control chars":     strings.Replace(good, "s5", "\x00\x01", 1),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := sts.ParseLoginResponse([]byte(body))
			if name == "two roots garbage" {
				// Decode stops after the first element: trailing junk is ignored.
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("parsed: %v", r)
			}
			if strings.Contains(err.Error(), "tSSQTo03") || strings.Contains(err.Error(), "SOME_SESSION_TOKEN") || len(err.Error()) > 600 {
				t.Errorf("error leaks or is too long: %.200s", err)
			}
		})
	}
}

func TestParseErrorResponse(t *testing.T) {
	tests := []struct {
		name, body                     string
		typ, code, msg, requestID, err string // zero: absent
	}{
		{name: "query protocol", body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Invalid token</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
			typ: "Sender", code: "InvalidIdentityToken", msg: "Invalid token", requestID: "r-1"},
		{name: "bare error", body: `<Error><Code>AccessDenied</Code><Message>You don't have permission to access this resource</Message></Error>`,
			code: "AccessDenied", msg: "You don't have permission to access this resource"},
		{name: "ec2 style", body: `<Response><Errors><Error><Code>Throttling</Code><Message>slow down</Message></Error></Errors><RequestId>r-2</RequestId></Response>`,
			code: "Throttling", msg: "slow down", requestID: "r-2"},
		{name: "plain text", body: "Invalid token: Token expired\n", msg: "Invalid token: Token expired"},
		{name: "echoed token", body: "Invalid token: SECRET-TOKEN-VALUE", msg: "Invalid token: [redacted]"},
		{name: "garbage xml", body: "<<<>>>", err: "unparsable error body"},
		{name: "long text", body: strings.Repeat("x", 5000), msg: strings.Repeat("x", 256) + "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sts.ParseErrorResponse([]byte(tt.body), "SECRET-TOKEN-VALUE")
			errText := ""
			if e.Err != nil {
				errText = e.Err.Error()
			}
			if e.Type != tt.typ || e.Code != tt.code || e.Message != tt.msg || e.RequestID != tt.requestID || errText != tt.err {
				t.Errorf("got %+v", e)
			}
		})
	}
}

func TestLoginWithWebIdentity_responses(t *testing.T) {
	good := readTestdata(t, "login_response.xml")
	queryErr := func(code, msg string) string {
		return `<ErrorResponse><Error><Code>` + code + `</Code><Message>` + msg + `</Message></Error></ErrorResponse>`
	}
	tests := []struct {
		name   string
		status int // zero: 400
		body   string
		kind   error
		max    int64 // MaxResponseBytes; zero: the default
	}{
		{name: "oversized", status: 200, body: string(good), kind: sts.ErrMalformedResponse, max: 256},
		{name: "oversized error", body: strings.Repeat("Invalid token ", 100), kind: sts.ErrMalformedResponse, max: 256},
		{name: "malformed", status: 200, body: "<LoginWithWebIdentityResponse><oops", kind: sts.ErrMalformedResponse},
		{name: "html 200", status: 200, body: "<html><body>captive portal</body></html>", kind: sts.ErrMalformedResponse},
		{name: "plain expired", body: "Invalid token: Token expired", kind: sts.ErrTokenExpired},
		{name: "plain invalid", status: 401, body: "Invalid token: Invalid signature", kind: sts.ErrTokenInvalid},
		{name: "expired code", body: queryErr("ExpiredTokenException", "Token expired: current date/time must be before the expiration date/time"), kind: sts.ErrTokenExpired},
		{name: "idp keys", body: queryErr("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider"), kind: sts.ErrUnavailable},
		{name: "idp communication", body: queryErr("IDPCommunicationError", "timeout"), kind: sts.ErrUnavailable},
		{name: "throttling", body: queryErr("Throttling", "Rate exceeded"), kind: sts.ErrUnavailable},
		{name: "forbidden text", status: 403, body: "Forbidden", kind: sts.ErrAccessDenied},
		{name: "other", body: queryErr("ValidationError", "bad session name"), kind: sts.ErrRejected},
	}
	for _, tt := range tests {
		tt.status = cmp.Or(tt.status, 400)
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			f := newFake(t)
			f.stsHook = func(w http.ResponseWriter, r *http.Request) bool {
				calls++
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
				return true
			}
			_, err := sts.LoginWithWebIdentity(t.Context(), f.endpoints(), "tok-123456", "sess", f.request, func(o *sts.RequestOptions) {
				o.MaxResponseBytes = tt.max
			})
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error %v, want %v", err, tt.kind)
			}
			var se *sts.STSError
			if !errors.As(err, &se) || se.Op != "LoginWithWebIdentity" {
				t.Fatalf("not an STSError: %#v", err)
			}
			wantCalls := 1
			if errors.Is(err, sts.ErrUnavailable) {
				wantCalls = sts.DefaultMaxAttempts
			}
			if calls != wantCalls {
				t.Errorf("calls = %d, want %d", calls, wantCalls)
			}
		})
	}
}

func FuzzParseLoginResponse(f *testing.F) {
	f.Add(readTestdata(f, "login_response.xml"))
	f.Add(readTestdata(f, "login_response_ns.xml"))
	f.Add([]byte(`<LoginWithWebIdentityResponse><LoginWithWebIdentityResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>2025-01-01T00:00:00Z</Expiration></Credentials></LoginWithWebIdentityResult></LoginWithWebIdentityResponse>`))
	f.Add([]byte(`<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>`))
	f.Add([]byte("Invalid token: Token expired"))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := sts.ParseLoginResponse(body)
		r2, err2 := sts.ParseLoginResponse(body)
		if (err == nil) != (err2 == nil) {
			t.Fatal("parser is not deterministic")
		}
		if err != nil {
			return
		}
		c := r.Credentials
		if c.AccessKeyID == "" || c.SecretAccessKey == "" || c.SessionToken == "" || c.Expiration.IsZero() {
			t.Fatalf("accepted incomplete credentials: %v", r)
		}
		if r.User.String() != r2.User.String() || c != r2.Credentials {
			t.Fatal("parser is not deterministic")
		}
		if !r.User.IsValid() && r.User.String() != "" {
			t.Fatalf("invalid user ARN accepted: %q", r.User.String())
		}
		// String output does not depend on the secrets' values.
		masked := *r
		masked.Credentials.SecretAccessKey, masked.Credentials.SessionToken = "x", "x"
		if r.String() != masked.String() || fmt.Sprintf("%#v", r) != fmt.Sprintf("%#v", &masked) {
			t.Fatalf("secrets reach String: %s", r)
		}
	})
}

func FuzzParseErrorResponse(f *testing.F) {
	f.Add([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`))
	f.Add([]byte("Invalid token: Token expired"))
	f.Add([]byte(`<Error><Code>AccessDenied</Code></Error>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		e := sts.ParseErrorResponse(body, "SECRETTOKEN")
		for _, s := range []string{e.Type, e.Code, e.Message, e.RequestID} {
			if len(s) > 260 || strings.Contains(s, "SECRETTOKEN") {
				t.Fatalf("unsanitised field %q", s)
			}
		}
		_ = e.Error()
	})
}

func TestLoginWithWebIdentity_deadline(t *testing.T) {
	f := newFake(t)
	gate, arrived := f.gateSTS()
	defer close(gate)
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-arrived; cancel() }()
	_, err := sts.LoginWithWebIdentity(ctx, f.endpoints(), "some-token", "s", f.request)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	if errors.Is(err, sts.ErrUnreachable) {
		t.Errorf("cancellation classified as unreachable: %v", err)
	}
}
