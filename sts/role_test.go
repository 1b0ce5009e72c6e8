package sts_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/sts"
)

func TestProvider_assumeRole(t *testing.T) {
	const role = "arn:demo:iam::" + testAccount + ":role/marketing"
	t.Run("success", func(t *testing.T) {
		f := newFake(t)
		p := newProvider(t, f, func(o *sts.ProviderOptions) { o.RoleARN = role })
		c, err := p.Retrieve(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c.AccessKeyID, "ASIA") || c.SecretAccessKey == "" || c.SessionToken == "" || c.AccountID != testAccount {
			t.Errorf("credentials %v account %q", c.AccessKeyID, c.AccountID)
		}
		if want := f.clock.Now().Add(55 * time.Minute); !c.Expires.Equal(want) || !c.CanExpire || c.Source != sts.ProviderName {
			t.Errorf("Expires %v (want %v) CanExpire %v Source %q", c.Expires, want, c.CanExpire, c.Source)
		}
		if _, err := p.Login(t.Context()); !errors.Is(err, sts.ErrInvalidConfig) {
			t.Errorf("Login in role mode: %v", err)
		}
	})
	t.Run("access denied", func(t *testing.T) {
		f := newFake(t)
		p := newProvider(t, f, func(o *sts.ProviderOptions) { o.RoleARN = "arn:demo:iam::" + testAccount + ":role/finance" })
		_, err := p.Retrieve(t.Context())
		var se *sts.STSError
		if !errors.Is(err, sts.ErrAccessDenied) || !errors.As(err, &se) || se.Code != "AccessDenied" || se.StatusCode != 403 || se.Op != "AssumeRoleWithWebIdentity" {
			t.Fatalf("error %v", err)
		}
		f.wantSTSCalls(t, 1, "")
	})
	t.Run("invalid token not resent", func(t *testing.T) {
		f := newFake(t)
		f.failSTS(400, "InvalidIdentityToken", "The web identity token is not valid")
		_, err := newProvider(t, f, func(o *sts.ProviderOptions) { o.RoleARN = role }).Retrieve(t.Context())
		if !errors.Is(err, sts.ErrTokenInvalid) {
			t.Fatalf("error %v", err)
		}
		f.wantSTSCalls(t, 1, "stscreds would resend the token")
	})
	// Failures that a second STS call overcomes; rows say what failed once.
	for _, tt := range []struct {
		name        string
		failOnce    func(f *fakeAstran)
		wantRefresh int64 // refresh grants: a new token is minted for an expired one
	}{
		{name: "expired token minted again", failOnce: failSTSOnce(400, "ExpiredTokenException", "Token expired"), wantRefresh: 1},
		{name: "IDPCommunicationError retried", failOnce: failSTSOnce(400, "IDPCommunicationError", "could not reach the IdP")},
		{name: "503 then success", failOnce: func(f *fakeAstran) { f.stsFailures = []int{503} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			tt.failOnce(f)
			if _, err := newProvider(t, f, func(o *sts.ProviderOptions) { o.RoleARN = role }).Retrieve(t.Context()); err != nil {
				t.Fatal(err)
			}
			if sc, rg := f.stsCalls.Load(), f.refreshGrants.Load(); sc != 2 || rg != tt.wantRefresh {
				t.Errorf("STS calls %d, refresh grants %d; want 2, %d", sc, rg, tt.wantRefresh)
			}
		})
	}
}

// failSTSOnce makes f's STS answer its first request with a query error.
func failSTSOnce(status int, code, msg string) func(f *fakeAstran) {
	return func(f *fakeAstran) {
		var once sync.Once
		f.stsHook = func(w http.ResponseWriter, r *http.Request) bool {
			handled := false
			once.Do(func() {
				queryError(w, status, "Sender", code, msg)
				handled = true
			})
			return handled
		}
	}
}

// Endpoints built by hand may lack a region: the role path signs nothing,
// so it works without one.
func TestProvider_assumeRoleWithoutRegion(t *testing.T) {
	f := newFake(t)
	ep := f.endpoints()
	ep.Region = ""
	p, err := sts.NewProvider(ep, sts.StaticToken(mint(t, f)), f.providerOptions, func(o *sts.ProviderOptions) {
		o.RoleARN = "arn:demo:iam::" + testAccount + ":role/marketing"
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
}
