package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/emulator/internal/emu"
	"github.com/astran-oss/astran-go/emulator/internal/engine"
	"github.com/astran-oss/astran-go/emulator/internal/oidc"
	"github.com/astran-oss/astran-go/endpoint"
)

// Options configures a [Server]. The zero value works.
type Options struct {
	// Partition is the partition (Keycloak realm, ARN partition). Empty
	// means "demo", the partition of Astran's tutorials.
	Partition string
	// Account is the account ID in customer ARNs. Empty means a random UUID.
	Account string
	// Addr is the address to listen on. Empty means "127.0.0.1:0". With
	// port 0 every service gets an ephemeral port; with port P the OIDC
	// provider listens on P, STS on P+1, IAM on P+2 and S3 on P+3. A
	// wildcard host (0.0.0.0, [::] or none) listens on every interface and
	// advertises 127.0.0.1 in the endpoints and the issuer.
	Addr string
	// UserPassword, when non-empty, is the password of every user created
	// through IAM: they can log in at once, no verification needed. Empty
	// means users must complete the verification link in the [Mailbox].
	UserPassword string
	// RootEmail and RootPassword are the root account's login in the
	// "root-accounts" realm. Empty mean "root@astran.test" and a random
	// password (see [Server.RootLogin]).
	RootEmail    string
	RootPassword string
	// RootAccessKeyID and RootSecretAccessKey are the static credentials of
	// the root identity. Empty mean random values.
	RootAccessKeyID     string
	RootSecretAccessKey string
	// SessionDuration is the lifetime of LoginWithWebIdentity credentials.
	// Zero means one hour, as Astran documents.
	SessionDuration time.Duration
	// Now is the base clock. Nil means time.Now. [Server.Advance] adds to it.
	Now func() time.Time
	// VirtualHostDomain is an extra domain for virtual-host-style S3
	// requests: "{bucket}.{VirtualHostDomain}". "localhost" is always
	// accepted.
	VirtualHostDomain string
}

// WithPartition sets [Options.Partition].
func WithPartition(p string) func(*Options) { return func(o *Options) { o.Partition = p } }

// WithUserPassword sets [Options.UserPassword]: every new user gets the
// password pw.
func WithUserPassword(pw string) func(*Options) { return func(o *Options) { o.UserPassword = pw } }

// WithAccount sets [Options.Account].
func WithAccount(a string) func(*Options) { return func(o *Options) { o.Account = a } }

// WithClock sets [Options.Now], the base clock.
func WithClock(now func() time.Time) func(*Options) { return func(o *Options) { o.Now = now } }

// WithSessionDuration sets [Options.SessionDuration].
func WithSessionDuration(d time.Duration) func(*Options) {
	return func(o *Options) { o.SessionDuration = d }
}

// Server is a running emulator. Its methods are safe for concurrent use.
type Server struct {
	opts      Options
	services  *emu.Services
	provider  *oidc.Provider
	endpoints endpoint.Endpoints
	mailbox   *Mailbox

	mu     sync.Mutex // guards offset
	offset time.Duration

	servers []*http.Server
	wg      sync.WaitGroup
	close   sync.Once
}

// New starts a server configured by optFns, applied in order to the zero
// [Options]. Call [Server.Close] to stop it.
func New(optFns ...func(*Options)) (*Server, error) {
	var opts Options
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.Partition == "" {
		opts.Partition = "demo"
	}
	if opts.Account == "" {
		opts.Account = oidc.RandomID()
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.RootEmail == "" {
		opts.RootEmail = "root@astran.test"
	}
	if opts.RootPassword == "" {
		opts.RootPassword = emu.RandomHex(12)
	}
	if opts.RootAccessKeyID == "" {
		opts.RootAccessKeyID = "AKIA" + emu.RandomID("")[:16]
	}
	if opts.RootSecretAccessKey == "" {
		opts.RootSecretAccessKey = emu.RandomSecret()
	}
	if opts.SessionDuration <= 0 {
		opts.SessionDuration = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if _, err := arn.Root(opts.Partition, opts.Account); err != nil {
		return nil, fmt.Errorf("emulator: invalid partition or account: %w", err)
	}
	s := &Server{opts: opts}
	host, portStr, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("emulator: parsing address %q: %w", opts.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535-3 {
		return nil, fmt.Errorf("emulator: invalid port in address %q", opts.Addr)
	}
	lns := make([]net.Listener, 4)
	for i := range lns {
		p := 0
		if port != 0 {
			p = port + i
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			for _, l := range lns[:i] {
				_ = l.Close()
			}
			return nil, fmt.Errorf("emulator: listening: %w", err)
		}
		lns[i] = ln
	}
	base := func(ln net.Listener) string { return "http://" + advertised(ln.Addr()) }
	issuerBase := base(lns[0]) + "/auth/realms/"
	provider, err := oidc.New(issuerBase, s.Now,
		oidc.Realm{Name: opts.Partition, ClientID: endpoint.ClientID, DirectGrants: true},
		oidc.Realm{Name: endpoint.RootRealm, ClientID: endpoint.RootClientID, DirectGrants: true})
	if err != nil {
		for _, l := range lns {
			_ = l.Close()
		}
		return nil, fmt.Errorf("emulator: %w", err)
	}
	s.provider = provider
	_ = provider.AddAccount(endpoint.RootRealm, oidc.RandomID(), opts.RootEmail, opts.RootPassword)
	state := emu.NewState(opts.Partition, opts.Account)
	hosts := []string{"localhost"}
	if opts.VirtualHostDomain != "" {
		hosts = append(hosts, opts.VirtualHostDomain)
	}
	s.services = &emu.Services{
		State: state, Engine: engine.New(state, s.Now), OIDC: provider, Now: s.Now,
		RootAccessKeyID: opts.RootAccessKeyID, RootSecret: opts.RootSecretAccessKey,
		UserPassword: opts.UserPassword, SessionDuration: opts.SessionDuration,
		VerifyLink: func(tok string) string {
			return issuerBase + opts.Partition + "/login-actions/action-token?key=" + tok
		},
		S3Hosts: hosts,
	}
	s.services.Start()
	s.mailbox = &Mailbox{s: s}
	s.endpoints = endpoint.Endpoints{
		Partition: opts.Partition,
		Issuer:    issuerBase + opts.Partition,
		ClientID:  endpoint.ClientID,
		STS:       base(lns[1]),
		IAM:       base(lns[2]),
		S3:        base(lns[3]),
		Region:    endpoint.Region,
	}
	handlers := []http.Handler{s.oidcHandler(), http.HandlerFunc(s.services.ServeSTS),
		http.HandlerFunc(s.services.ServeIAM), http.HandlerFunc(s.services.ServeS3)}
	for i, ln := range lns {
		srv := &http.Server{Handler: s.recoverer(handlers[i]), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
		s.servers = append(s.servers, srv)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			_ = srv.Serve(ln)
		}()
	}
	return s, nil
}

// advertised returns the host:port clients use to reach a listener: a
// wildcard address (0.0.0.0, [::]) is advertised as 127.0.0.1, which
// reaches it from the same host.
func advertised(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || (tcp.IP != nil && !tcp.IP.IsUnspecified()) {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}

// recoverer turns a handler panic into a 500 so one bad request never takes
// the emulator down, and dates every response with the emulator's clock.
func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", s.Now().UTC().Format(http.TimeFormat))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// Close stops every listener and waits for the serving goroutines to end.
// It is safe to call more than once.
func (s *Server) Close() {
	s.close.Do(func() {
		for _, srv := range s.servers {
			_ = srv.Close()
		}
		s.wg.Wait()
	})
}

// Now returns the emulator's current time: the base clock plus every
// [Server.Advance].
func (s *Server) Now() time.Time {
	s.mu.Lock()
	d := s.offset
	s.mu.Unlock()
	return s.opts.Now().Add(d)
}

// Advance moves the emulator's clock forward by d, to expire tokens,
// refresh tokens, presigned URLs and STS credentials without sleeping.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
}

// ErrPeer reports servers that cannot be peers (see [Server.AddPeer]).
var ErrPeer = errors.New("emulator: not a peer")

// AddPeer lets the callers of other's account (its users, roles and root,
// with the credentials other issues) call s's services, as callers from
// another account of the same Astran deployment: a second account for
// cross-account tests. Their requests are authorized cross-account, as
// AWS does: other's policies for the caller and s's bucket policy must both
// allow. It is one-way: call other.AddPeer(s) for the other direction. Both
// servers must share a partition and have different accounts.
func (s *Server) AddPeer(other *Server) error {
	if other == nil || other.opts.Partition != s.opts.Partition || other.opts.Account == s.opts.Account {
		return fmt.Errorf("%w: a peer needs the same partition and another account", ErrPeer)
	}
	s.services.AddPeer(other.services)
	return nil
}

// Partition returns the partition name.
func (s *Server) Partition() string { return s.opts.Partition }

// Account returns the account ID used in customer ARNs.
func (s *Server) Account() string { return s.opts.Account }

// Endpoints returns the emulator's endpoints (issuer, STS, IAM, S3, region).
func (s *Server) Endpoints() endpoint.Endpoints { return s.endpoints }

// Issuer returns the OIDC issuer of the partition's realm.
func (s *Server) Issuer() string { return s.endpoints.Issuer }

// RootIssuer returns the OIDC issuer of the "root-accounts" realm.
func (s *Server) RootIssuer() string { return s.provider.Issuer(endpoint.RootRealm) }

// RootARN returns the ARN of the account's root identity.
func (s *Server) RootARN() arn.ARN { return s.services.State.RootARN() }

// UserARN returns the ARN a user with the given email has (path "/").
func (s *Server) UserARN(email string) arn.ARN {
	a, _ := arn.User(s.opts.Partition, s.opts.Account, "/", email)
	return a
}

// RootLogin returns the root account's email and password in the
// "root-accounts" realm (client "root-client").
func (s *Server) RootLogin() (email, password string) {
	return s.opts.RootEmail, s.opts.RootPassword
}

// RootCredentials returns the root identity's static credentials.
func (s *Server) RootCredentials() aws.Credentials {
	return aws.Credentials{AccessKeyID: s.opts.RootAccessKeyID, SecretAccessKey: s.opts.RootSecretAccessKey, Source: "emulator"}
}

// Config returns an aws.Config with the emulator's region and endpoints and
// the given credentials provider. S3 clients need UsePathStyle only for
// bucket names that are not DNS-compatible: the S3 endpoint is an IP address.
//
// Its clients retry only a request refused as skewed (RequestTimeTooSkewed),
// once and at once: aws-sdk-go-v2 then signs with the offset it read from the
// response's Date header, which carries the emulator's clock. So clients
// follow [Options.Now] and [Server.Advance] while the emulator enforces the
// 15-minute signing window.
func (s *Server) Config(creds aws.CredentialsProvider) aws.Config {
	return aws.Config{
		Region:        s.endpoints.Region,
		Credentials:   creds,
		ConfigSources: []any{endpointSource(s.endpoints)},
		HTTPClient:    &http.Client{Timeout: 30 * time.Second},
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 2
				o.Retryables = []retry.IsErrorRetryable{retry.RetryableError{}}
				o.Backoff = noBackoff{}
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

// noBackoff retries at once.
type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

// RootConfig returns an aws.Config for the root identity: region, static
// root credentials and the IAM, STS and S3 endpoints set.
func (s *Server) RootConfig() aws.Config {
	c := s.RootCredentials()
	return s.Config(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, ""))
}

// endpointSource gives aws-sdk-go-v2 clients their service endpoints
// through aws.Config.ConfigSources.
type endpointSource endpoint.Endpoints

// GetServiceBaseEndpoint is called by every aws-sdk-go-v2 service client.
func (e endpointSource) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	switch sdkID {
	case "IAM":
		return e.IAM, true, nil
	case "STS":
		return e.STS, true, nil
	case "S3":
		return e.S3, true, nil
	}
	return "", false, nil
}

// Environment variables of [Server.Env] that name the root account's login.
const (
	EnvRootEmail    = "ASTRAN_ROOT_EMAIL"
	EnvRootPassword = "ASTRAN_ROOT_PASSWORD"
)

// Env returns the "NAME=value" lines `astran serve` prints: the root
// identity's static credentials, AWS_DEFAULT_REGION (which the aws CLI v1
// reads), the variables [endpoint.Endpoints.Environ] writes for the
// emulator's endpoints (the ASTRAN_* overrides the rest of the library reads,
// the per-service AWS_ENDPOINT_URL_S3, _IAM and _STS that the aws CLI and
// the SDKs read, AWS_REGION), and the root account's login ([EnvRootEmail],
// [EnvRootPassword]) for `astran login --root`.
func (s *Server) Env() []string {
	c := s.RootCredentials()
	env := []string{
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey,
		endpoint.EnvRegionAlt + "=" + s.endpoints.Region,
	}
	env = append(env, s.endpoints.Environ()...)
	return append(env,
		EnvRootEmail+"="+s.opts.RootEmail,
		EnvRootPassword+"="+s.opts.RootPassword)
}

// SetPassword sets the password of a user created through IAM (or of the
// root account's email), marking the account verified.
func (s *Server) SetPassword(email, password string) error {
	if password == "" {
		return errors.New("emulator: setting password: empty password")
	}
	if email == s.opts.RootEmail {
		return s.provider.SetPassword(endpoint.RootRealm, email, password)
	}
	if err := s.provider.SetPassword(s.opts.Partition, email, password); err != nil {
		return fmt.Errorf("emulator: setting password of %q: %w", email, ErrNoSuchUser)
	}
	return nil
}

// ErrNoSuchUser reports an unknown user.
var ErrNoSuchUser = errors.New("no such user")

// Mailbox returns the emulator's mailbox.
func (s *Server) Mailbox() *Mailbox { return s.mailbox }
