package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts"
)

// EnvPassword is read by login when --password-stdin is not given.
const EnvPassword = "ASTRAN_PASSWORD"

// maxPasswordBytes bounds what --password-stdin reads.
const maxPasswordBytes = 64 << 10

var errNoPassword = errors.New("no password: pass --password-stdin, set " + EnvPassword + ", or run in a terminal")

// loginFlags are the flags of login and logout.
type loginFlags struct {
	profile                    string
	partition, username        string
	issuer, stsEndpoint, realm string
	iamEndpoint, s3Endpoint    string
	clientID, sessionName      string
	roleARN                    string
	format                     string
	root, passwordStdin, fresh bool
	all                        bool // logout only
}

func (f *loginFlags) addIdentity(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.profile, "profile", "", "profile of the shared AWS config file ($"+EnvConfigFile+", else ~/.aws/config) whose astran_* settings to use; flags override them")
	fl.StringVarP(&f.partition, "partition", "p", "", "Astran partition, e.g. demo (default $"+endpoint.EnvPartition+")")
	fl.StringVarP(&f.username, "username", "u", "", "user name: the user's email address, or the root account's")
	fl.BoolVar(&f.root, "root", false, "log in a root account (realm "+endpoint.RootRealm+", client "+endpoint.RootClientID+")")
	fl.StringVar(&f.issuer, "issuer", "", "OIDC issuer URL (default $"+endpoint.EnvOIDCIssuer+", else Astran's Keycloak realm of the partition)")
	fl.StringVar(&f.realm, "realm", "", "Keycloak realm, replacing the partition in the default issuer")
	fl.StringVar(&f.clientID, "client-id", "", "OIDC client ID (default $"+endpoint.EnvClientID+", else "+endpoint.ClientID+")")
	fl.StringVar(&f.stsEndpoint, "sts-endpoint", "", "STS endpoint URL (default $"+endpoint.EnvSTSEndpoint+", else https://{partition}.sts.astran.io)")
	fl.StringVar(&f.iamEndpoint, "iam-endpoint", "", "IAM endpoint URL (default $"+endpoint.EnvIAMEndpoint+", else https://{partition}.iam.astran.io)")
	fl.StringVar(&f.s3Endpoint, "s3-endpoint", "", "S3 endpoint URL (default $"+endpoint.EnvS3Endpoint+", else https://{partition}.s3.astran.io)")
	fl.StringVar(&f.roleARN, "role-arn", "", "assume this role with AssumeRoleWithWebIdentity instead of LoginWithWebIdentity")
}

func (e *env) loginCommand() *cobra.Command {
	var f loginFlags
	cmd := &cobra.Command{
		Use:   "login --partition PARTITION --username EMAIL",
		Short: "Log in and print temporary AWS credentials",
		Long: `Log in to an Astran partition (OIDC password grant, then STS
LoginWithWebIdentity) and print temporary AWS credentials.

The password comes from, in order: standard input with --password-stdin,
the ` + EnvPassword + ` environment variable, or a prompt on the controlling
terminal (without echo). It is never a flag value.

The user and the endpoints come from the flags, then from the astran_*
settings of --profile NAME in the shared AWS config file (see "astran
configure"), then from the ASTRAN_* variables that "astran serve" prints,
then from the partition's defaults.

It always authenticates, even when credentials are cached, and caches the
new credentials per partition and user in the user's cache directory (file
mode 0600 in a 0700 directory that must be the user's own) for
"astran credentials", which the aws CLI runs; "astran logout" deletes them.

Formats:
  env                 export lines for eval (the default): the credentials,
                      AWS_CREDENTIAL_EXPIRATION and AWS_ENDPOINT_URL_STS/_IAM/_S3
  credential-process  the JSON the AWS CLI and SDKs read from credential_process
  json                the whole login result`,
		Example: `  # Log in from a shell:
  eval "$(astran login --partition demo --username bob@astran.io)"
  eval "$(astran login --profile bob)"

  # From a script:
  printf '%s\n' "$PASSWORD" | astran login -p demo -u bob@astran.io --password-stdin --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.login(cmd.Context(), &f)
		},
	}
	f.addIdentity(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from standard input")
	choiceFlag(cmd, &f.format, "format", "env", "output format: env, credential-process or json", loginFormats)
	fl.StringVar(&f.sessionName, "session-name", "", "UserSessionName sent to STS (default: the user name)")
	fl.BoolVar(&f.fresh, "fresh", false, "")
	_ = fl.MarkDeprecated("fresh", "login always authenticates now")
	return cmd
}

func (e *env) logoutCommand() *cobra.Command {
	var f loginFlags
	cmd := &cobra.Command{
		Use:   "logout --partition PARTITION --username EMAIL",
		Short: "Delete cached credentials",
		Long: `Delete the credentials that "astran login" cached for a partition and user,
or with --all every cached credential. Logging out when nothing is cached
is not an error.`,
		Example: `  astran logout --partition demo --username bob@astran.io
  astran logout --all`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.logout(&f)
		},
	}
	f.addIdentity(cmd)
	cmd.Flags().BoolVar(&f.all, "all", false, "delete every cached credential")
	return cmd
}

// target is a resolved login target: who logs in where.
type target struct {
	Partition   string `json:"partition"`
	Username    string `json:"username"`
	Root        bool   `json:"root,omitempty"`
	Issuer      string `json:"issuer"`
	ClientID    string `json:"clientId"`
	STSEndpoint string `json:"stsEndpoint"`
	RoleARN     string `json:"roleArn,omitempty"`
}

// resolve finds who logs in where: the flags, then the profile's astran_*
// settings, then what endpoint.Resolve adds (the ASTRAN_* variables, then
// Astran's defaults).
func (e *env) resolve(f *loginFlags) (target, endpoint.Endpoints, error) {
	p := &profileSettings{}
	if f.profile != "" {
		var err error
		if p, err = e.loadProfile(f.profile); err != nil {
			return target{}, endpoint.Endpoints{}, err
		}
	}
	pick := func(flag, profile string) string {
		if flag != "" {
			return flag
		}
		return profile
	}
	t := target{
		Partition: pick(f.partition, p.partition),
		Username:  pick(f.username, p.username),
		Root:      f.root || p.root,
		RoleARN:   pick(f.roleARN, p.roleARN),
	}
	if t.Partition == "" && e.getenv(endpoint.EnvPartition) == "" {
		return t, endpoint.Endpoints{}, errors.New("no partition: pass --partition or --profile, or set " + endpoint.EnvPartition)
	}
	if t.Username == "" {
		return t, endpoint.Endpoints{}, errors.New("no user name: pass --username or --profile")
	}
	ep, err := endpoint.Resolve(func(o *endpoint.Options) {
		o.Partition = t.Partition
		o.Root = t.Root
		o.Realm = f.realm
		o.Issuer = pick(f.issuer, p.issuer)
		o.ClientID = pick(f.clientID, p.clientID)
		o.STS = pick(f.stsEndpoint, p.sts)
		o.IAM = pick(f.iamEndpoint, p.iam)
		o.S3 = pick(f.s3Endpoint, p.s3)
		o.Region = p.region
		o.Getenv = e.getenv
	})
	var ee *endpoint.Error
	if errors.As(err, &ee) {
		src := ee.Source
		if src == "option" {
			src = "the flags or the profile"
		}
		return t, ep, fmt.Errorf("invalid %s %q (from %s)", ee.Field, ee.Value, src)
	}
	if err != nil {
		return t, ep, err
	}
	t.Partition, t.Issuer, t.ClientID, t.STSEndpoint = ep.Partition, ep.Issuer, ep.ClientID, ep.STS
	return t, ep, nil
}

// loginRecord is what login caches and what --format json prints.
type loginRecord struct {
	target
	User           string          `json:"user"`
	UserID         string          `json:"userId,omitempty"`
	Subject        string          `json:"subject,omitempty"`
	Audience       string          `json:"audience,omitempty"`
	Provider       string          `json:"provider,omitempty"`
	SourceIdentity string          `json:"sourceIdentity,omitempty"`
	Credentials    credentialsJSON `json:"credentials"`
	// ServerClockOffset is the server's clock minus the local clock when
	// the credentials were issued (from the response's Date header; zero
	// without one). Expiration is the server's: it is judged by the local
	// clock plus this offset.
	ServerClockOffset time.Duration `json:"serverClockOffset"`
}

// serverTime returns the server's time at local time now.
func (r *loginRecord) serverTime(now time.Time) time.Time { return now.Add(r.ServerClockOffset) }

// validAt reports whether the credentials are valid for at least window
// more at local time now, by the server's clock.
func (r *loginRecord) validAt(now time.Time, window time.Duration) bool {
	return r.serverTime(now).Add(window).Before(r.Credentials.Expiration)
}

// localExpiration is the expiration on the local clock, for clients that
// judge it by the local clock (credential_process, AWS_CREDENTIAL_EXPIRATION).
func (r *loginRecord) localExpiration() time.Time {
	return r.Credentials.Expiration.Add(-r.ServerClockOffset).UTC().Truncate(time.Second)
}

type credentialsJSON struct {
	AccessKeyID     string    `json:"accessKeyId"`
	SecretAccessKey string    `json:"secretAccessKey"`
	SessionToken    string    `json:"sessionToken"`
	Expiration      time.Time `json:"expiration"`
}

// credentialProcess is the credential_process output format, in the key
// order the AWS documentation shows.
type credentialProcess struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken"`
	Expiration      string `json:"Expiration"`
}

func (e *env) login(ctx context.Context, f *loginFlags) error {
	if err := checkChoice("format", f.format, loginFormats); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	t, ep, err := e.resolve(f)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	// An unsafe cache directory fails the login before the password is
	// asked for.
	cache, err := e.openCache(true)
	if err != nil && !errors.Is(err, errNoCacheDir) {
		return fmt.Errorf("login: %w", err)
	}
	if cache != nil {
		defer cache.Close()
	}
	rec, err := e.doLogin(ctx, f, t)
	if err != nil {
		return err
	}
	if cache != nil {
		if err := cache.write(rec); err != nil {
			fmt.Fprintln(e.stderr, "astran: warning: "+oneLine(err.Error()))
		}
	}
	return writeCredentials(e.stdout, f.format, rec, ep)
}

func (e *env) doLogin(ctx context.Context, f *loginFlags, t target) (*loginRecord, error) {
	pw := e.passwordFunc(f, t.Username)
	ep := endpoint.Endpoints{Partition: t.Partition, Root: t.Root, Issuer: t.Issuer, ClientID: t.ClientID, STS: t.STSEndpoint}
	opts := func(o *sts.RequestOptions) {
		o.HTTPClient = e.httpClient
		o.Now = e.now
		o.MaxAttempts = 2
	}
	ts, err := sts.NewPasswordGrant(ep, t.Username, pw, func(o *sts.PasswordGrantOptions) { opts(&o.RequestOptions) })
	if err != nil {
		return nil, loginError(err)
	}
	if t.RoleARN != "" {
		return e.assumeRole(ctx, f, t, ep, ts, opts)
	}
	tok, err := ts.Token(ctx)
	if err != nil {
		return nil, loginError(err)
	}
	session := f.sessionName
	if session == "" {
		session = t.Username
	}
	res, err := sts.LoginWithWebIdentity(ctx, ep, tok.AccessToken, session, opts)
	if err != nil {
		return nil, loginError(err)
	}
	c := res.Credentials
	var offset time.Duration
	if !res.ServerTime.IsZero() {
		offset = res.ServerTime.Sub(e.now()).Round(time.Second)
	}
	return &loginRecord{
		ServerClockOffset: offset,
		target:            t,
		User:              res.User.String(),
		UserID:            res.UserID,
		Subject:           res.Subject,
		Audience:          res.Audience,
		Provider:          res.Provider,
		SourceIdentity:    res.SourceIdentity,
		Credentials: credentialsJSON{
			AccessKeyID:     c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey,
			SessionToken:    c.SessionToken,
			Expiration:      c.Expiration.UTC(),
		},
	}, nil
}

// passwordFunc returns the password source chosen by the flags and the
// environment. The password is read once.
func (e *env) passwordFunc(f *loginFlags, username string) sts.PasswordFunc {
	var (
		mu   sync.Mutex // guards done, pw and err
		done bool
		pw   string
		err  error
	)
	get := func(ctx context.Context) (string, error) {
		switch {
		case f.passwordStdin:
			b, rerr := io.ReadAll(io.LimitReader(e.stdin, maxPasswordBytes+1))
			if rerr != nil {
				return "", fmt.Errorf("reading password from standard input: %w", rerr)
			}
			if len(b) > maxPasswordBytes {
				return "", errors.New("password on standard input is too long")
			}
			s := strings.TrimSuffix(string(b), "\n")
			s = strings.TrimSuffix(s, "\r")
			if s == "" {
				return "", errors.New("empty password on standard input")
			}
			return s, nil
		case e.getenv(EnvPassword) != "":
			return e.getenv(EnvPassword), nil
		}
		// The controlling terminal, whatever stdin, stdout and stderr are
		// (the aws CLI captures a credential_process's output).
		return e.readPassword(ctx, "Password for "+username+": ")
	}
	return func(ctx context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			pw, err = get(ctx)
			done = err == nil
			if err != nil {
				err = &passwordError{err}
			}
		}
		return pw, err
	}
}

// loginError turns an sts error into one clear line.
func loginError(err error) error {
	msg := ""
	switch {
	case errors.Is(err, context.Canceled): // first: a password prompt may also report it
		msg = "interrupted"
	case errors.Is(err, sts.ErrBadCredentials):
		msg = "invalid username or password"
	case errors.Is(err, sts.ErrAccountNotSetUp):
		msg = "account not set up: verify your email address and set a password with the link Astran emailed you"
	case errors.Is(err, sts.ErrNoPassword):
		msg = strings.TrimPrefix(unwrapNoPassword(err), "sts: ")
	case errors.Is(err, sts.ErrUnauthorizedClient), errors.Is(err, sts.ErrInvalidClient):
		msg = "the identity provider refused the client: check --client-id and --issuer"
	}
	var se *sts.STSError
	if msg == "" && errors.As(err, &se) {
		switch {
		case errors.Is(err, sts.ErrUnreachable), errors.Is(err, sts.ErrUnavailable):
			msg = "STS at " + se.URL + " is unavailable: " + oneLine(err.Error())
		default:
			detail := se.Message
			if se.Code != "" {
				detail = se.Code + ": " + se.Message
			}
			if detail == "" || detail == ": " {
				detail = oneLine(err.Error())
			}
			msg = "STS refused the login: " + detail
		}
	}
	var oe *sts.OIDCError
	if msg == "" && errors.As(err, &oe) && errors.Is(err, sts.ErrUnreachable) {
		msg = "identity provider at " + oe.URL + " is unreachable: " + oneLine(err.Error())
	}
	if msg == "" {
		msg = oneLine(err.Error())
	}
	return fmt.Errorf("login failed: %s", msg)
}

// passwordError reports that no password could be obtained. It wraps
// sts.ErrNoPassword, as the sts package asks of a PasswordFunc.
type passwordError struct{ err error }

func (e *passwordError) Error() string   { return e.err.Error() }
func (e *passwordError) Unwrap() []error { return []error{sts.ErrNoPassword, e.err} }

// unwrapNoPassword finds the most specific message of a password failure.
func unwrapNoPassword(err error) string {
	var pe *passwordError
	if errors.As(err, &pe) {
		return oneLine(pe.Error())
	}
	return oneLine(err.Error())
}

// writeCredentials prints rec in format; the env format also exports the
// per-service endpoint variables of ep, for the aws CLI and the SDKs.
func writeCredentials(w io.Writer, format string, rec *loginRecord, ep endpoint.Endpoints) error {
	c := rec.Credentials
	exp := rec.localExpiration().Format(time.RFC3339)
	var err error
	switch format {
	case "env":
		_, err = fmt.Fprintf(w, "export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_SESSION_TOKEN=%s\nexport AWS_CREDENTIAL_EXPIRATION=%s\n",
			shellQuote(c.AccessKeyID), shellQuote(c.SecretAccessKey), shellQuote(c.SessionToken),
			shellQuote(exp))
		for _, kv := range []struct{ name, v string }{{"AWS_ENDPOINT_URL_STS", ep.STS}, {"AWS_ENDPOINT_URL_IAM", ep.IAM}, {"AWS_ENDPOINT_URL_S3", ep.S3}} {
			if err == nil && kv.v != "" {
				_, err = fmt.Fprintf(w, "export %s=%s\n", kv.name, shellQuote(kv.v))
			}
		}
	case "credential-process":
		err = writeJSON(w, credentialProcess{
			Version:         1,
			AccessKeyID:     c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey,
			SessionToken:    c.SessionToken,
			Expiration:      exp,
		}, false)
	case "json":
		err = writeJSON(w, rec, true)
	}
	return err
}

func writeJSON(w io.Writer, v any, indent bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

// shellQuote quotes s for POSIX shells when needed.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+-./:=@_%,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (e *env) logout(f *loginFlags) error {
	if f.all {
		if f.partition != "" || f.username != "" || f.profile != "" {
			return errors.New("logout: --all excludes --partition, --username and --profile")
		}
		cache, err := e.openCache(false)
		if err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		n := 0
		if cache != nil {
			defer cache.Close()
			if n, err = cache.removeAll(); err != nil {
				return fmt.Errorf("logout: %w", err)
			}
		}
		fmt.Fprintf(e.stderr, "Deleted %d cached credential(s).\n", n)
		return nil
	}
	if f.profile == "" && (f.username == "" || f.partition == "" && e.getenv(endpoint.EnvPartition) == "") {
		return errors.New("logout: pass --partition and --username, --profile, or --all")
	}
	t, _, err := e.resolve(f)
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	cache, err := e.openCache(false)
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	removed := false
	if cache != nil {
		defer cache.Close()
		if removed, err = cache.remove(t); err != nil {
			return fmt.Errorf("logout: %w", err)
		}
	}
	if !removed {
		fmt.Fprintf(e.stderr, "no cached credentials for %s in partition %s\n", t.Username, t.Partition)
		return nil
	}
	fmt.Fprintf(e.stderr, "Logged out %s from partition %s.\n", t.Username, t.Partition)
	return nil
}
