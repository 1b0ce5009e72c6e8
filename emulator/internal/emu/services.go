// Package emu implements the services of the emulator: IAM (AWS
// Query protocol), STS (LoginWithWebIdentity, AssumeRoleWithWebIdentity,
// GetCallerIdentity) and the S3 gate, over a shared [State]. Authorization
// and policy parsing are delegated to an [Engine].
package emu

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/emulator/internal/oidc"
	"github.com/astran-oss/astran-go/emulator/internal/sigv4"
	"github.com/astran-oss/astran-go/policy"
)

// Body size caps.
const (
	MaxFormBody   = 1 << 20  // IAM and STS requests
	MaxObjectSize = 16 << 20 // S3 objects
)

// AuthRequest is one authorization question.
type AuthRequest struct {
	Identity    arn.ARN // the user, role or root making the request; zero: anonymous
	AccessKeyID string  // the session's key; "" for the root's static key
	Action      string
	Resource    string
	Context     map[string][]string
	// ResourcePolicy is the resource-based policy (a bucket policy); nil
	// means none.
	ResourcePolicy *policy.Set
	// ResourceAccount is the account that owns the resource when it is not
	// the caller's (a peer's caller); "" means the caller's account.
	ResourceAccount string
}

// Engine parses policies and takes authorization decisions.
type Engine interface {
	// ParsePolicy parses and validates a policy document.
	ParsePolicy(raw string) (*policy.Document, error)
	// Authorize reports whether the request is allowed, by AWS's
	// evaluation logic over the caller's policies (none when req.Identity
	// is zero: anonymous) and the resource's policy, within the account or
	// across accounts (req.ResourceAccount).
	Authorize(ctx context.Context, req AuthRequest) (bool, error)
	// AllowAssumeRole reports whether role's trust policy lets the federated
	// provider assume it with sts:AssumeRoleWithWebIdentity.
	AllowAssumeRole(ctx context.Context, role, provider arn.ARN, reqCtx map[string][]string) (bool, error)
	// AllowSetSourceIdentity reports whether role's trust policy lets the
	// federated provider set the session's source identity
	// (sts:SetSourceIdentity).
	AllowSetSourceIdentity(ctx context.Context, role, provider arn.ARN, reqCtx map[string][]string) (bool, error)
}

// Mail is a verification message sent on user creation.
type Mail struct {
	To      string
	Subject string
	Link    string
	Token   string
	Sent    time.Time
}

// Services holds everything the handlers share.
type Services struct {
	State  *State
	Engine Engine
	OIDC   *oidc.Provider
	Now    func() time.Time

	RootAccessKeyID string
	RootSecret      string
	// UserPassword, when set, is given to every new user (no verification needed).
	UserPassword string
	// SessionDuration is the lifetime of LoginWithWebIdentity credentials.
	SessionDuration time.Duration
	// VerifyLink builds the verification link of a token.
	VerifyLink func(token string) string
	// S3Hosts are the host names (without port) of the S3 endpoint; a request
	// whose host is "{bucket}.{one of them}" is virtual-host style.
	S3Hosts []string

	mu       sync.Mutex        // guards mail, tokens and peers
	peers    []*Services       // accounts whose callers may call these services
	mail     []Mail            // sent messages, oldest first
	tokens   map[string]string // verification token -> user name
	s3       s3Store
	external externalTokens
	started  time.Time // creation of the account, shown for root
}

// Realm returns the Keycloak realm of the partition's users.
func (s *Services) Realm() string { return s.State.Partition }

// Start records the account's creation time (the emulator's start).
func (s *Services) Start() { s.started = s.Now().UTC() }

// Mailbox returns a copy of the sent messages.
func (s *Services) Mailbox() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mail...)
}

// Verify completes a verification token with a password.
func (s *Services) Verify(token, password string) error {
	if password == "" {
		return errors.New("emulator: verifying email: empty password")
	}
	s.mu.Lock()
	user, ok := s.tokens[token]
	if ok {
		delete(s.tokens, token)
	}
	s.mu.Unlock()
	if !ok {
		return errors.New("emulator: verifying email: unknown or used link")
	}
	return s.OIDC.SetPassword(s.Realm(), user, password)
}

func (s *Services) sendVerification(user string) {
	tok := RandomHex(16)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens == nil {
		s.tokens = map[string]string{}
	}
	s.tokens[tok] = user
	link := tok
	if s.VerifyLink != nil {
		link = s.VerifyLink(tok)
	}
	s.mail = append(s.mail, Mail{To: user, Subject: "Verify email", Link: link, Token: tok, Sent: s.Now()})
}

// Caller is an authenticated requester.
type Caller struct {
	Identity    arn.ARN
	AccessKeyID string // session key or root's static key
	Session     *Session
	// Home is the peer account the caller belongs to; nil means this
	// one. A peer's caller is authorized cross-account.
	Home *Services
}

func (c Caller) authRequest(action, resource string, ctx map[string][]string) AuthRequest {
	r := AuthRequest{Identity: c.Identity, Action: action, Resource: resource, Context: ctx}
	if c.Session != nil {
		r.AccessKeyID = c.AccessKeyID
	}
	return r
}

var errSessionExpired = errors.New("session expired")

// lookup resolves an access key for sigv4.
func (s *Services) lookup(akid string) (sigv4.Credentials, error) {
	if akid == s.RootAccessKeyID {
		return sigv4.Credentials{SecretAccessKey: s.RootSecret}, nil
	}
	if ses, ok := s.State.Session(akid); ok {
		return sigv4.Credentials{SecretAccessKey: ses.Secret, SessionToken: ses.Token}, nil
	}
	if k, ok := s.State.AccessKey(akid); ok && k.Active {
		return sigv4.Credentials{SecretAccessKey: k.Secret}, nil
	}
	return sigv4.Credentials{}, sigv4.ErrUnknownKey
}

// AddPeer lets the callers of p's account call these services, as callers
// from another account of the same deployment: their keys are looked up in
// p and their requests are authorized cross-account (p's policies for the
// caller and this account's resource policy must both allow).
func (s *Services) AddPeer(p *Services) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peers = append(s.peers, p)
}

// authenticate verifies r's signature and resolves the caller, in this
// account or in a peer's.
func (s *Services) authenticate(r *http.Request, payloadHash string, s3 bool) (Caller, error) {
	home := s
	lookup := func(akid string) (sigv4.Credentials, error) {
		c, err := s.lookup(akid)
		if err == nil {
			return c, nil
		}
		s.mu.Lock()
		peers := slices.Clone(s.peers)
		s.mu.Unlock()
		for _, p := range peers {
			if c, err := p.lookup(akid); err == nil {
				home = p
				return c, nil
			}
		}
		return sigv4.Credentials{}, sigv4.ErrUnknownKey
	}
	res, err := sigv4.Verify(r, payloadHash, lookup, s.Now(), s3)
	if errors.Is(err, sigv4.ErrSkewed) {
		// Expired credentials are reported before the skew, so that
		// credentials expired by moving the server's clock forward read as
		// expired, not as a skewed request.
		if ses, ok := home.State.Session(res.AccessKeyID); ok && !ses.Expiration.IsZero() && !s.Now().Before(ses.Expiration) {
			return Caller{}, errSessionExpired
		}
	}
	if err != nil {
		return Caller{}, err
	}
	c, err := home.resolveCaller(res)
	if home != s {
		c.Home = home
	}
	return c, err
}

// resolveCaller returns the caller of a verified request signed with one
// of this account's keys.
func (s *Services) resolveCaller(res sigv4.Result) (Caller, error) {
	if res.AccessKeyID == s.RootAccessKeyID {
		return Caller{Identity: s.State.RootARN(), AccessKeyID: res.AccessKeyID}, nil
	}
	ses, ok := s.State.Session(res.AccessKeyID)
	if !ok {
		if k, ok := s.State.AccessKey(res.AccessKeyID); ok {
			s.State.TouchAccessKey(k.ID, res.Service, res.Region, s.Now().UTC())
			if u, ok := s.State.User(k.User); ok {
				return Caller{Identity: u.ARN, AccessKeyID: res.AccessKeyID}, nil
			}
		}
		return Caller{}, sigv4.ErrUnknownKey
	}
	if !ses.Expiration.IsZero() && !s.Now().Before(ses.Expiration) {
		return Caller{}, errSessionExpired
	}
	return Caller{Identity: ses.Identity, AccessKeyID: res.AccessKeyID, Session: ses}, nil
}

// authError maps an authentication error to the IAM/STS error.
func authError(err error) *APIError {
	switch {
	case errors.Is(err, sigv4.ErrMissing):
		return apiErr(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
	case errors.Is(err, sigv4.ErrMalformed):
		return apiErr(http.StatusBadRequest, "IncompleteSignature", "%s", err.Error())
	case errors.Is(err, sigv4.ErrUnknownKey), errors.Is(err, sigv4.ErrTokenMismatch):
		return apiErr(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
	case errors.Is(err, errSessionExpired):
		return apiErr(http.StatusForbidden, "ExpiredToken", "Invalid token: Token expired")
	case errors.Is(err, sigv4.ErrSkewed):
		return apiErr(http.StatusForbidden, "RequestTimeTooSkewed", "Signature not yet current or expired: the request time is more than 15 minutes from the server time.")
	default:
		return apiErr(http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
}

// AccessDeniedMessage is Astran's denial message.
const AccessDeniedMessage = "You don't have permission to access this resource"

// requestKeys adds the global condition keys a request supplies:
// aws:SourceIp and aws:SecureTransport.
func requestKeys(r *http.Request, reqCtx map[string][]string) map[string][]string {
	out := make(map[string][]string, len(reqCtx)+2)
	for k, v := range reqCtx {
		out[k] = v
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		out["aws:SourceIp"] = []string{host}
	}
	out["aws:SecureTransport"] = []string{strconv.FormatBool(r.TLS != nil)}
	return out
}

func (s *Services) authorize(r *http.Request, c Caller, action, resource string, reqCtx map[string][]string) *APIError {
	return s.authorizeWith(r, c, action, resource, reqCtx, nil)
}

// authorizeWith authorizes with a resource-based policy (nil: none). A
// peer account's caller is authorized by its own account's engine, which
// knows its policies, with this account's resource policy: cross-account,
// both must allow and a deny in either wins.
func (s *Services) authorizeWith(r *http.Request, c Caller, action, resource string, reqCtx map[string][]string, rp *policy.Set) *APIError {
	req := c.authRequest(action, resource, requestKeys(r, reqCtx))
	req.ResourcePolicy = rp
	eng := s.Engine
	if c.Home != nil {
		eng, req.ResourceAccount = c.Home.Engine, s.State.Account
	}
	ok, err := eng.Authorize(r.Context(), req)
	if err != nil || !ok {
		return apiErr(http.StatusForbidden, "AccessDenied", AccessDeniedMessage)
	}
	return nil
}

// readForm accepts a POST or GET Query API request, reads its capped form
// body and returns the form (body and URL query) with the body's SHA-256.
func readForm(w http.ResponseWriter, r *http.Request) (map[string][]string, string, *APIError) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, "", apiErr(http.StatusMethodNotAllowed, "InvalidAction", "method not allowed")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxFormBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", apiErr(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body is too large")
		}
		return nil, "", apiErr(http.StatusBadRequest, "MalformedQueryString", "could not read the request body")
	}
	sum := sha256.Sum256(body)
	form := map[string][]string{}
	if ct := r.Header.Get("Content-Type"); len(body) > 0 && ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		return nil, "", apiErr(http.StatusBadRequest, "MalformedQueryString", "unsupported content type")
	}
	q, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, "", apiErr(http.StatusBadRequest, "MalformedQueryString", "malformed form body")
	}
	for k, v := range q {
		form[k] = v
	}
	for k, v := range r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	return form, hex.EncodeToString(sum[:]), nil
}
