package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/iamclient"
)

// run parses args, starts the service and serves until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("service-authz", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	issuer := fs.String("issuer", "", "OIDC issuer of the callers' tokens (default: $ASTRAN_OIDC_ISSUER, else the realm of $ASTRAN_PARTITION, else an embedded emulator)")
	clientID := fs.String("client-id", "s5", "OIDC client the tokens must be issued to")
	fixturePath := fs.String("fixture", "", "JSON fixture with users, groups and policies (default: the embedded testdata/fixture.json)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	cfg := config{ClientID: *clientID, FixtureName: "testdata/fixture.json", Fixture: defaultFixture}
	if *fixturePath != "" {
		b, err := os.ReadFile(*fixturePath)
		if err != nil {
			return err
		}
		cfg.FixtureName, cfg.Fixture = *fixturePath, b
	}

	cfg.Issuer = *issuer
	if cfg.Issuer == "" && (getenv(endpoint.EnvOIDCIssuer) != "" || getenv(endpoint.EnvPartition) != "") {
		ep, err := endpoint.Resolve(func(o *endpoint.Options) { o.Getenv = getenv })
		if err != nil {
			return err
		}
		cfg.Issuer = ep.Issuer
	}
	var demo func(serviceURL string)
	if cfg.Issuer == "" {
		srv, users, password, err := startEmulator(ctx, cfg.Fixture)
		if err != nil {
			return err
		}
		defer srv.Close()
		cfg.Issuer = srv.Issuer()
		demo = func(serviceURL string) {
			fmt.Fprintf(out, "No issuer configured: the embedded Astran emulator is the identity provider (%s).\n", srv.Issuer())
			fmt.Fprintf(out, "Its users %v have the password %q. Try:\n\n", users, password)
			fmt.Fprintf(out, "  TOKEN=$(curl -s -d client_id=s5 -d grant_type=password -d username=bob@astran.io -d password=%s %s | jq -r .access_token)\n",
				password, endpoint.TokenURL(srv.Issuer()))
			for _, key := range []string{"public/welcome.txt", "home/bob@astran.io/todo.txt", "home/alice@astran.io/ideas", "secret/launch-plan.txt"} {
				fmt.Fprintf(out, "  curl -H \"Authorization: Bearer $TOKEN\" %s/docs/%s\n", serviceURL, key)
			}
			fmt.Fprintln(out)
		}
	}

	svc, err := newService(ctx, cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	serviceURL := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "Serving documents on %s, authorizing with %s and tokens of %s\n", serviceURL, cfg.FixtureName, cfg.Issuer)
	if demo != nil {
		demo(serviceURL)
	}

	hs := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err = hs.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// startEmulator starts the emulator and creates the fixture's
// users in it, with a random password, so that they can get tokens.
func startEmulator(ctx context.Context, fixture []byte) (*emulator.Server, []string, string, error) {
	var f struct {
		Users []struct{ Email string }
	}
	if err := json.Unmarshal(fixture, &f); err != nil {
		return nil, nil, "", fmt.Errorf("reading the fixture's users: %w", err)
	}
	password := rand.Text()
	srv, err := emulator.New(emulator.WithUserPassword(password))
	if err != nil {
		return nil, nil, "", fmt.Errorf("starting the emulator: %w", err)
	}
	admin := iamclient.New(srv.RootConfig(), func(o *iamclient.Options) { o.BaseEndpoint = srv.Endpoints().IAM })
	var users []string
	for _, u := range f.Users {
		if _, err := admin.CreateUser(ctx, u.Email); err != nil {
			srv.Close()
			return nil, nil, "", fmt.Errorf("creating the emulator's users: %w", err)
		}
		users = append(users, u.Email)
	}
	return srv, users, password, nil
}
