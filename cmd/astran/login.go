package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/astran-oss/astran-go/internal/endpoint"
	"github.com/astran-oss/astran-go/sts"
)

// EnvPassword is read by login when --password-stdin is not given.
const EnvPassword = "ASTRAN_PASSWORD"

// cacheReuseWindow: cached credentials are reused until this long before
// they expire.
const cacheReuseWindow = 5 * time.Minute

// maxPasswordBytes bounds what --password-stdin reads.
const maxPasswordBytes = 64 << 10

var errNoPassword = errors.New("no password: pass --password-stdin, set " + EnvPassword + ", or run in a terminal")

// loginFlags are the flags of login and logout.
type loginFlags struct {
	partition, username        string
	issuer, stsEndpoint, realm string
	clientID, sessionName      string
	format                     string
	root, passwordStdin, fresh bool
	all                        bool // logout only
}

func (f *loginFlags) addIdentity(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.partition, "partition", "p", "", "Astran partition, e.g. demo (default $"+endpoint.EnvPartition+")")
	fl.StringVarP(&f.username, "username", "u", "", "user name: the user's email address, or the root account's")
	fl.BoolVar(&f.root, "root", false, "log in a root account (realm "+endpoint.RootRealm+", client "+endpoint.RootClientID+")")
	fl.StringVar(&f.issuer, "issuer", "", "OIDC issuer URL (default $"+endpoint.EnvOIDCIssuer+", else Astran's Keycloak realm of the partition)")
	fl.StringVar(&f.realm, "realm", "", "Keycloak realm, replacing the partition in the default issuer")
	fl.StringVar(&f.clientID, "client-id", "", "OIDC client ID (default $"+endpoint.EnvClientID+", else "+endpoint.ClientID+")")
	fl.StringVar(&f.stsEndpoint, "sts-endpoint", "", "STS endpoint URL (default $"+endpoint.EnvSTSEndpoint+", else https://{partition}.sts.astran.io)")
}

func (e *env) loginCommand() *cobra.Command {
	var f loginFlags
	cmd := &cobra.Command{
		Use:   "login --partition PARTITION --username EMAIL",
		Short: "Log in and print temporary AWS credentials",
		Long: `Log in to an Astran partition (OIDC password grant, then STS
LoginWithWebIdentity) and print temporary AWS credentials.

The password comes from, in order: standard input with --password-stdin,
the ` + EnvPassword + ` environment variable, or a prompt on the terminal
(without echo). It is never a flag value.

Endpoints come from the partition and are overridden by the ASTRAN_*
variables that "astran serve" prints, then by the flags.

Credentials are cached per partition and user in the user's cache directory
(file mode 0600 in a 0700 directory) and reused until 5 minutes before they
expire; "astran logout" deletes them, --fresh ignores them.

Formats:
  env                 export lines for eval (the default)
  credential-process  the JSON the AWS CLI and SDKs read from credential_process
  json                the whole login result`,
		Example: `  # Log in from a shell:
  eval "$(astran login --partition demo --username bob@astran.io)"

  # In ~/.aws/config, so that the aws CLI logs in by itself:
  #   [profile astran-bob]
  #   credential_process = astran login --partition demo --username bob@astran.io --format credential-process

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
	fl.StringVar(&f.format, "format", "env", "output format: env, credential-process or json")
	fl.StringVar(&f.sessionName, "session-name", "", "UserSessionName sent to STS (default: the user name)")
	fl.BoolVar(&f.fresh, "fresh", false, "ignore cached credentials and log in again")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"env", "credential-process", "json"}, cobra.ShellCompDirectiveNoFileComp))
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
	fl := cmd.Flags()
	fl.StringVarP(&f.partition, "partition", "p", "", "Astran partition (default $"+endpoint.EnvPartition+")")
	fl.StringVarP(&f.username, "username", "u", "", "user name")
	fl.BoolVar(&f.root, "root", false, "the user is a root account")
	fl.BoolVar(&f.all, "all", false, "delete every cached credential")
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
}

// resolve applies defaults, the ASTRAN_* variables and the flags, in that
// order of increasing precedence.
func (e *env) resolve(f *loginFlags) (target, error) {
	t := target{Partition: f.partition, Username: f.username, Root: f.root}
	if t.Partition == "" {
		t.Partition = e.getenv(endpoint.EnvPartition)
	}
	if t.Partition == "" {
		return t, errors.New("no partition: pass --partition or set " + endpoint.EnvPartition)
	}
	if strings.ContainsAny(t.Partition, "/\\:") || strings.TrimSpace(t.Partition) != t.Partition {
		return t, fmt.Errorf("invalid partition %q", t.Partition)
	}
	if t.Username == "" {
		return t, errors.New("no user name: pass --username")
	}
	ep := endpoint.FromEnv(t.Partition, e.getenv)
	realm := f.realm
	if realm == "" && f.root {
		realm = endpoint.RootRealm
	}
	t.Issuer = f.issuer
	if t.Issuer == "" {
		t.Issuer = ep.Issuer
		if realm != "" {
			if i := strings.LastIndex(t.Issuer, "/realms/"); i >= 0 {
				t.Issuer = t.Issuer[:i+len("/realms/")] + realm
			}
		}
	}
	t.ClientID = f.clientID
	if t.ClientID == "" {
		t.ClientID = e.getenv(endpoint.EnvClientID)
	}
	if t.ClientID == "" {
		t.ClientID = endpoint.ClientID
		if f.root {
			t.ClientID = endpoint.RootClientID
		}
	}
	t.STSEndpoint = f.stsEndpoint
	if t.STSEndpoint == "" {
		t.STSEndpoint = ep.STS
	}
	for _, u := range []struct{ name, v string }{{"issuer", t.Issuer}, {"STS endpoint", t.STSEndpoint}} {
		p, err := url.Parse(u.v)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return t, fmt.Errorf("invalid %s %q", u.name, u.v)
		}
	}
	return t, nil
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
	switch f.format {
	case "env", "credential-process", "json":
	default:
		return fmt.Errorf("login: unknown --format %q (want env, credential-process or json)", f.format)
	}
	t, err := e.resolve(f)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	file, ferr := e.cacheFile(t.Partition, t.Username, t.Root)
	var rec *loginRecord
	if ferr == nil && !f.fresh {
		rec = e.readCache(file, t)
	}
	if rec == nil {
		rec, err = e.doLogin(ctx, f, t)
		if err != nil {
			return err
		}
		if ferr == nil {
			if err := writeCache(file, rec); err != nil {
				fmt.Fprintln(e.stderr, "astran: warning: "+oneLine(err.Error()))
			}
		}
	}
	return writeCredentials(e.stdout, f.format, rec)
}

func (e *env) doLogin(ctx context.Context, f *loginFlags, t target) (*loginRecord, error) {
	pw := e.passwordFunc(f)
	opts := func(o *sts.Options) {
		o.Issuer = t.Issuer
		o.ClientID = t.ClientID
		o.STSEndpoint = t.STSEndpoint
		o.Root = t.Root
		o.Getenv = e.getenv
		o.HTTPClient = e.httpClient
		o.Now = e.now
		o.MaxAttempts = 2
	}
	ts, err := sts.NewTokenSource(t.Partition, t.Username, pw, opts)
	if err != nil {
		return nil, loginError(err)
	}
	tok, err := ts.Token(ctx)
	if err != nil {
		return nil, loginError(err)
	}
	session := f.sessionName
	if session == "" {
		session = t.Username
	}
	res, err := sts.LoginWithWebIdentity(ctx, t.Partition, tok.AccessToken, session, opts)
	if err != nil {
		return nil, loginError(err)
	}
	c := res.Credentials
	return &loginRecord{
		target:         t,
		User:           res.User.String(),
		UserID:         res.UserID,
		Subject:        res.Subject,
		Audience:       res.Audience,
		Provider:       res.Provider,
		SourceIdentity: res.SourceIdentity,
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
func (e *env) passwordFunc(f *loginFlags) sts.PasswordFunc {
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
		case e.stdinTerminal():
			return e.readPassword(ctx, "Password for "+f.username+": ")
		}
		return "", errNoPassword
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
	case errors.Is(err, sts.ErrBadCredentials):
		msg = "invalid username or password"
	case errors.Is(err, sts.ErrAccountNotSetUp):
		msg = "account not set up: verify your email address and set a password with the link Astran emailed you"
	case errors.Is(err, sts.ErrNoPassword):
		msg = strings.TrimPrefix(unwrapNoPassword(err), "sts: ")
	case errors.Is(err, sts.ErrUnauthorizedClient), errors.Is(err, sts.ErrInvalidClient):
		msg = "the identity provider refused the client: check --client-id and --issuer"
	case errors.Is(err, context.Canceled):
		msg = "interrupted"
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

func writeCredentials(w io.Writer, format string, rec *loginRecord) error {
	c := rec.Credentials
	var err error
	switch format {
	case "env":
		_, err = fmt.Fprintf(w, "export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_SESSION_TOKEN=%s\nexport AWS_CREDENTIAL_EXPIRATION=%s\n",
			shellQuote(c.AccessKeyID), shellQuote(c.SecretAccessKey), shellQuote(c.SessionToken),
			shellQuote(c.Expiration.UTC().Format(time.RFC3339)))
	case "credential-process":
		err = writeJSON(w, credentialProcess{
			Version:         1,
			AccessKeyID:     c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey,
			SessionToken:    c.SessionToken,
			Expiration:      c.Expiration.UTC().Format(time.RFC3339),
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

// Credential cache.

// cacheFile returns the cache file of a partition and user.
func (e *env) cacheFile(partition, username string, root bool) (string, error) {
	dir, err := e.cacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: %w", err)
	}
	kind := "user"
	if root {
		kind = "root"
	}
	name := url.PathEscape(partition) + "_" + kind + "_" + url.PathEscape(username) + ".json"
	return filepath.Join(dir, "astran", name), nil
}

// readCache returns the cached credentials of t, or nil when there are none
// usable: missing, unreadable, for another endpoint, readable by others, or
// expiring within cacheReuseWindow.
func (e *env) readCache(file string, t target) *loginRecord {
	fi, err := os.Stat(file)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 || fi.Size() > 1<<20 {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var rec loginRecord
	if err := json.Unmarshal(data, &rec); err != nil || rec.target != t {
		return nil
	}
	if rec.Credentials.AccessKeyID == "" || !e.now().Add(cacheReuseWindow).Before(rec.Credentials.Expiration) {
		return nil
	}
	return &rec
}

// writeCache stores rec atomically with mode 0600 in a 0700 directory.
func writeCache(file string, rec *loginRecord) error {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("caching credentials: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("caching credentials: %w", err)
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("caching credentials: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("caching credentials: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("caching credentials: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("caching credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("caching credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("caching credentials: %w", err)
	}
	return nil
}

func (e *env) logout(f *loginFlags) error {
	if f.all {
		if f.partition != "" || f.username != "" {
			return errors.New("logout: --all excludes --partition and --username")
		}
		file, err := e.cacheFile("x", "x", false)
		if err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		dir := filepath.Dir(file)
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		n := 0
		for _, ent := range entries {
			if ent.Type().IsRegular() && strings.HasSuffix(ent.Name(), ".json") {
				if err := os.Remove(filepath.Join(dir, ent.Name())); err != nil {
					return fmt.Errorf("logout: %w", err)
				}
				n++
			}
		}
		fmt.Fprintf(e.stderr, "Deleted %d cached credential(s).\n", n)
		return nil
	}
	partition := f.partition
	if partition == "" {
		partition = e.getenv(endpoint.EnvPartition)
	}
	if partition == "" || f.username == "" {
		return errors.New("logout: pass --partition and --username, or --all")
	}
	file, err := e.cacheFile(partition, f.username, f.root)
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("logout: %w", err)
	}
	fmt.Fprintf(e.stderr, "Logged out %s from partition %s.\n", f.username, partition)
	return nil
}
