package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/principal"
)

// bucket is the S3-style bucket the documents live in: GET /docs/{key} is
// s3:GetObject on arn:{partition}:s3:::docs/{key}.
const bucket = "docs"

// maxDocSize caps the body of a PUT.
const maxDocSize = 1 << 20

// config configures the service. Issuer and Fixture are required.
type config struct {
	// Issuer is the OIDC issuer whose access tokens the service accepts,
	// e.g. https://astran.cloud-iam.com/auth/realms/demo.
	Issuer string
	// ClientID must be the token's authorized party (azp) or one of its
	// audiences. Empty means "s5", the client of Astran's users.
	ClientID string
	// FixtureName and Fixture hold the users, groups and policies, in the
	// JSON format of principal.MemoryStore.ApplyFixture.
	FixtureName string
	Fixture     []byte
	// HTTPClient fetches the issuer's discovery document and keys. Nil
	// means a client with a 30-second timeout.
	HTTPClient *http.Client
	// Now is the clock for token expiry and policy conditions. Nil means
	// time.Now.
	Now func() time.Time
	// Logger receives rejected tokens and store failures. Nil means
	// slog.Default().
	Logger *slog.Logger
}

// service serves documents to the callers its policies allow.
type service struct {
	partition, account string
	clientID           string
	verifier           *oidc.IDTokenVerifier
	authz              *principal.Authorizer
	log                *slog.Logger
	docs               *docStore
}

// newService loads the fixture and discovers the issuer's keys.
func newService(ctx context.Context, cfg config) (*service, error) {
	if cfg.ClientID == "" {
		cfg.ClientID = "s5"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}

	store := principal.NewMemoryStore()
	if err := store.ApplyFixture(cfg.FixtureName, cfg.Fixture); err != nil {
		return nil, fmt.Errorf("service-authz: loading the fixture: %w", err)
	}
	// The store has no lookup by email: read the partition and account the
	// fixture builds its user ARNs with.
	var head struct{ Partition, Account string }
	if err := json.Unmarshal(cfg.Fixture, &head); err != nil {
		return nil, fmt.Errorf("service-authz: reading the fixture's partition: %w", err)
	}

	// go-oidc takes its HTTP client from the context.
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, cfg.HTTPClient), cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("service-authz: discovering %s: %w", cfg.Issuer, err)
	}
	// Keycloak access tokens carry the client in azp (aud is "account"):
	// the client check is done in authenticate.
	verifier := provider.VerifierContext(oidc.ClientContext(context.WithoutCancel(ctx), cfg.HTTPClient),
		&oidc.Config{SkipClientIDCheck: true, Now: cfg.Now})

	return &service{
		partition: head.Partition,
		account:   head.Account,
		clientID:  cfg.ClientID,
		verifier:  verifier,
		authz:     principal.NewAuthorizer(store, func(o *principal.Options) { o.Now = cfg.Now }),
		log:       cfg.Logger,
		docs:      newDocStore(sampleDocs),
	}, nil
}

// Handler returns the service: authentication, then authorization, then
// the document handlers.
func (s *service) Handler() http.Handler {
	return s.authenticate(s.routes())
}

// routes returns the authorized document handlers. It expects the caller
// in the request context (principal.WithCaller), as authenticate puts it;
// tests call it directly with callers of their choice.
func (s *service) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /docs/{key...}", s.authorize("s3:GetObject", http.HandlerFunc(s.getDoc)))
	mux.Handle("PUT /docs/{key...}", s.authorize("s3:PutObject", http.HandlerFunc(s.putDoc)))
	mux.Handle("DELETE /docs/{key...}", s.authorize("s3:DeleteObject", http.HandlerFunc(s.deleteDoc)))
	return mux
}

// authorize wraps next with principal's middleware: the request is allowed
// when the caller's policies allow action on the object named by the path.
func (s *service) authorize(action string, next http.Handler) http.Handler {
	mapper := func(r *http.Request) (string, string, error) {
		resource, err := s.objectARN(r.PathValue("key"))
		return action, resource, err
	}
	return principal.Middleware(s.authz, mapper, func(o *principal.MiddlewareOptions) {
		o.Logger = s.log
	})(next)
}

// objectARN returns arn:{partition}:s3:::docs/{key}.
func (s *service) objectARN(key string) (string, error) {
	if key == "" || slices.ContainsFunc(strings.Split(key, "/"), func(seg string) bool {
		return seg == "" || seg == "." || seg == ".."
	}) {
		return "", fmt.Errorf("invalid document key %q", key)
	}
	a, err := arn.Object(s.partition, bucket, key)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

// userARN returns the ARN of the user with the given email in the
// fixture's partition and account.
func (s *service) userARN(email string) (arn.ARN, error) {
	return arn.User(s.partition, s.account, "/", email)
}

// errUnauthenticated reports a request without a valid bearer token.
var errUnauthenticated = errors.New("missing or invalid bearer token")

// authenticate verifies the request's bearer token (an access token of the
// partition's Keycloak realm, as sts.TokenSource gets it) and puts its user
// in the request context for principal's middleware. Requests without a
// valid token get 401.
func (s *service) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.caller(r)
		if err != nil {
			s.log.InfoContext(r.Context(), "service-authz: rejected request", slog.Any("error", err))
			w.Header().Set("WWW-Authenticate", `Bearer realm="docs"`)
			http.Error(w, errUnauthenticated.Error(), http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(principal.WithCaller(r.Context(), caller)))
	})
}

// caller returns the user the request's bearer token names.
func (s *service) caller(r *http.Request) (principal.Caller, error) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		return principal.Caller{}, errUnauthenticated
	}
	tok, err := s.verifier.Verify(r.Context(), raw)
	if err != nil {
		return principal.Caller{}, fmt.Errorf("%w: %w", errUnauthenticated, err)
	}
	var claims struct {
		Email string `json:"email"`
		AZP   string `json:"azp"`
	}
	if err := tok.Claims(&claims); err != nil {
		return principal.Caller{}, fmt.Errorf("%w: %w", errUnauthenticated, err)
	}
	if claims.AZP != s.clientID && !slices.Contains(tok.Audience, s.clientID) {
		return principal.Caller{}, fmt.Errorf("%w: issued to client %q", errUnauthenticated, claims.AZP)
	}
	user, err := s.userARN(claims.Email)
	if err != nil {
		return principal.Caller{}, fmt.Errorf("%w: %w", errUnauthenticated, err)
	}
	return principal.Caller{ARN: user}, nil
}

func (s *service) getDoc(w http.ResponseWriter, r *http.Request) {
	body, ok := s.docs.get(r.PathValue("key"))
	if !ok {
		http.Error(w, "no such document", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(body)
}

func (s *service) putDoc(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxDocSize))
	if err != nil {
		http.Error(w, "document too large", http.StatusRequestEntityTooLarge)
		return
	}
	s.docs.put(r.PathValue("key"), body)
	w.WriteHeader(http.StatusNoContent)
}

func (s *service) deleteDoc(w http.ResponseWriter, r *http.Request) {
	s.docs.delete(r.PathValue("key"))
	w.WriteHeader(http.StatusNoContent)
}

// sampleDocs are the documents the service starts with.
var sampleDocs = map[string]string{
	"public/welcome.txt":          "Welcome to the docs service.\n",
	"home/bob@astran.io/todo.txt": "Finish the Astran tutorial.\n",
	"home/alice@astran.io/ideas":  "A service that authorizes with Astran policies.\n",
	"secret/launch-plan.txt":      "Nobody reads this, not even editors.\n",
}

// docStore keeps documents in memory. It is safe for concurrent use.
type docStore struct {
	mu   sync.RWMutex
	docs map[string][]byte
}

func newDocStore(seed map[string]string) *docStore {
	d := &docStore{docs: make(map[string][]byte, len(seed))}
	for k, v := range seed {
		d.docs[k] = []byte(v)
	}
	return d
}

func (d *docStore) get(key string) ([]byte, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, ok := d.docs[key]
	return b, ok
}

func (d *docStore) put(key string, body []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.docs[key] = body
}

func (d *docStore) delete(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.docs, key)
}
