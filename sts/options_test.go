package sts_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/sts"
)

// TestOptions_resolution checks the endpoint defaults through the
// provider's (secret-free) String.
func TestOptions_resolution(t *testing.T) {
	tests := []struct {
		name      string
		partition string
		env       map[string]string
		opt       func(*sts.Options)
		want      []string
	}{
		{"public defaults", "demo", nil, nil, []string{
			"Partition:demo ", "Issuer:https://astran.cloud-iam.com/auth/realms/demo ", "ClientID:s5 ", "STS:https://demo.sts.astran.io ",
		}},
		{"root account", "demo", nil, func(o *sts.Options) { o.Root = true }, []string{
			"Issuer:https://astran.cloud-iam.com/auth/realms/root-accounts ", "ClientID:root-client ",
		}},
		{"stock keycloak without /auth, from env", "", map[string]string{
			"ASTRAN_PARTITION": "acme", "ASTRAN_OIDC_ISSUER": "http://127.0.0.1:8080/realms/acme/",
			"ASTRAN_CLIENT_ID": "cli", "ASTRAN_STS_ENDPOINT": "http://127.0.0.1:9000",
		}, nil, []string{
			"Partition:acme ", "Issuer:http://127.0.0.1:8080/realms/acme/ ", "ClientID:cli ", "STS:http://127.0.0.1:9000 ",
		}},
		{"root with env issuer", "", map[string]string{
			"ASTRAN_PARTITION": "acme", "ASTRAN_OIDC_ISSUER": "http://127.0.0.1:8080/auth/realms/acme",
		}, func(o *sts.Options) { o.Root = true }, []string{
			"Issuer:http://127.0.0.1:8080/auth/realms/root-accounts ", "ClientID:root-client ",
		}},
		{"explicit realm", "demo", nil, func(o *sts.Options) { o.Realm = "staff" }, []string{
			"Issuer:https://astran.cloud-iam.com/auth/realms/staff ", "ClientID:s5 ",
		}},
		{"explicit issuer wins", "demo", map[string]string{"ASTRAN_OIDC_ISSUER": "https://a.example/realms/demo"},
			func(o *sts.Options) { o.Issuer = "https://idp.example"; o.Root = true }, []string{"Issuer:https://idp.example "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := sts.NewProvider(tt.partition, "u@astran.io", sts.StaticPassword("x"), func(o *sts.Options) {
				o.Getenv = func(k string) string { return tt.env[k] }
				if tt.opt != nil {
					tt.opt(o)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			s := p.String()
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("%s\nlacks %q", s, w)
				}
			}
		})
	}
}

func TestTokenSource_discoveryUnreachable(t *testing.T) {
	f := newFake()
	f.Close()
	ts, _ := sts.NewTokenSource(testPartition, testUser, sts.StaticPassword(testPassword), f.options, func(o *sts.Options) {
		o.Discovery = true
	})
	_, err := ts.Token(context.Background())
	var oe *sts.OIDCError
	if !errors.Is(err, sts.ErrUnreachable) || !errors.As(err, &oe) || oe.Op != "discovery" {
		t.Fatalf("error %v", err)
	}
}
