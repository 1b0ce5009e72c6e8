package sts_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/sts"
)

// A workload's projected token: the provider reads the file at every
// login, so that the platform's rotation is picked up.
func TestTokenFile_provider(t *testing.T) {
	f := newFake(t)
	path := filepath.Join(t.TempDir(), "token")
	write := func(s string) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(mint(t, f) + "\n")
	p, err := sts.NewProvider(f.endpoints(), sts.TokenFile(path), f.providerOptions)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	res, err := p.Login(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.User.Name() != testUser {
		t.Errorf("user %v", res.User)
	}
	write("rotated-but-invalid")
	if _, err := p.Retrieve(ctx); !errors.Is(err, sts.ErrTokenInvalid) {
		t.Fatalf("after rotation to a bad token: %v, want ErrTokenInvalid", err)
	}
	write(mint(t, f))
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
}

func TestTokenSources_noToken(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	big := filepath.Join(dir, "big")
	os.WriteFile(empty, []byte(" \n"), 0o600)
	os.WriteFile(big, []byte(strings.Repeat("x", 64<<10+1)), 0o600)
	for name, src := range map[string]sts.TokenSource{
		"missing file":     sts.TokenFile(filepath.Join(dir, "missing")),
		"empty file":       sts.TokenFile(empty),
		"file over 64 KiB": sts.TokenFile(big),
		"empty static":     sts.StaticToken(""),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := src.Token(t.Context()); !errors.Is(err, sts.ErrNoToken) {
				t.Errorf("error %v, want ErrNoToken", err)
			}
		})
	}
}

// Any function is a source; StaticToken hands one token to the role path,
// whose session name then defaults to "astran-go".
func TestTokenSources_roleWithStaticToken(t *testing.T) {
	f := newFake(t)
	var session string
	f.stsHook = func(w http.ResponseWriter, r *http.Request) bool {
		r.ParseForm()
		session = r.PostForm.Get("RoleSessionName")
		return false
	}
	tok := mint(t, f)
	calls := 0
	src := sts.TokenSourceFunc(func(ctx context.Context) (*sts.Token, error) {
		calls++
		return sts.StaticToken(tok).Token(ctx)
	})
	p, err := sts.NewProvider(f.endpoints(), src, f.providerOptions, func(o *sts.ProviderOptions) {
		o.RoleARN = "arn:demo:iam::" + testAccount + ":role/marketing"
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
	if calls != 1 || session != "astran-go" {
		t.Errorf("source calls = %d, session name %q", calls, session)
	}
}
