package sts_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/sts"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

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
		typ, code, msg, requestID, err string
	}{
		{"query protocol", `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Invalid token</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
			"Sender", "InvalidIdentityToken", "Invalid token", "r-1", ""},
		{"bare error", `<Error><Code>AccessDenied</Code><Message>You don't have permission to access this resource</Message></Error>`,
			"", "AccessDenied", "You don't have permission to access this resource", "", ""},
		{"ec2 style", `<Response><Errors><Error><Code>Throttling</Code><Message>slow down</Message></Error></Errors><RequestId>r-2</RequestId></Response>`,
			"", "Throttling", "slow down", "r-2", ""},
		{"plain text", "Invalid token: Token expired\n", "", "", "Invalid token: Token expired", "", ""},
		{"echoed token", "Invalid token: SECRET-TOKEN-VALUE", "", "", "Invalid token: [redacted]", "", ""},
		{"garbage xml", "<<<>>>", "", "", "", "", "unparsable error body"},
		{"long text", strings.Repeat("x", 5000), "", "", strings.Repeat("x", 256) + "...", "", ""},
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
	tests := []struct {
		name   string
		status int
		body   string
		kind   error
		max    int64
	}{
		{"oversized", 200, string(good), sts.ErrMalformedResponse, 256},
		{"oversized error", 400, strings.Repeat("Invalid token ", 100), sts.ErrMalformedResponse, 256},
		{"malformed", 200, "<LoginWithWebIdentityResponse><oops", sts.ErrMalformedResponse, 0},
		{"html 200", 200, "<html><body>captive portal</body></html>", sts.ErrMalformedResponse, 0},
		{"plain expired", 400, "Invalid token: Token expired", sts.ErrTokenExpired, 0},
		{"plain invalid", 401, "Invalid token: Invalid signature", sts.ErrTokenInvalid, 0},
		{"expired code", 400, `<ErrorResponse><Error><Code>ExpiredTokenException</Code><Message>Token expired: current date/time must be before the expiration date/time</Message></Error></ErrorResponse>`, sts.ErrTokenExpired, 0},
		{"idp keys", 400, `<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>Couldn't retrieve verification key from your identity provider</Message></Error></ErrorResponse>`, sts.ErrUnavailable, 0},
		{"idp communication", 400, `<ErrorResponse><Error><Code>IDPCommunicationError</Code><Message>timeout</Message></Error></ErrorResponse>`, sts.ErrUnavailable, 0},
		{"throttling", 400, `<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>`, sts.ErrUnavailable, 0},
		{"forbidden text", 403, "Forbidden", sts.ErrAccessDenied, 0},
		{"other", 400, `<ErrorResponse><Error><Code>ValidationError</Code><Message>bad session name</Message></Error></ErrorResponse>`, sts.ErrRejected, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			f := newFake()
			defer f.Close()
			f.stsHook = func(w http.ResponseWriter, r *http.Request) bool {
				calls++
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
				return true
			}
			_, err := sts.LoginWithWebIdentity(context.Background(), f.endpoints(), "tok-123456", "sess", f.request, func(o *sts.RequestOptions) {
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
