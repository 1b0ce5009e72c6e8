package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/internal/awsconfig"
)

// validProfile is what configure accepts as a profile name.
var validProfile = regexp.MustCompile(`^[A-Za-z0-9._@+-]{1,64}$`)

type configureFlags struct {
	loginFlags
	region string
}

func (e *env) configureCommand() *cobra.Command {
	var f configureFlags
	cmd := &cobra.Command{
		Use:   "configure --profile NAME",
		Short: "Write a profile for the aws CLI, the SDKs and astran",
		Long: `Write (or update) a profile of the shared AWS config file
($` + EnvConfigFile + `, else ~/.aws/config) that serves both the aws CLI and
astran: the astran_* settings that "astran credentials", "astran login" and
"astran exec" read, credential_process = astran credentials --profile NAME,
the region, and the per-service endpoint_url settings (in a [services NAME]
section) that send the aws CLI and the SDKs to the partition's STS, IAM and
S3.

Values come from the flags, then the profile's current settings, then the
ASTRAN_* variables that "astran serve" prints; the partition and the user
name are asked for on the terminal when none of these gives them. Every
other section and line of the file is kept as it is.`,
		Example: `  astran configure --profile bob -p demo -u bob@astran.io
  aws --profile bob s3 ls

  # Against "astran serve" (after eval "$(astran serve ...)"):
  astran configure --profile local -u bob@astran.io`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.configure(cmd.Context(), &f)
		},
	}
	f.addIdentity(cmd)
	cmd.Flags().StringVar(&f.region, "region", "", "region of the profile (default: the profile's, else $AWS_REGION, else "+endpoint.Region+")")
	_ = cmd.MarkFlagRequired("profile")
	return cmd
}

func (e *env) configure(ctx context.Context, f *configureFlags) error {
	name := f.profile
	if !validProfile.MatchString(name) {
		return fmt.Errorf("configure: invalid profile name %q (letters, digits and ._@+- only)", name)
	}
	path, err := e.configFile()
	if err != nil {
		return fmt.Errorf("configure: %w", err)
	}
	cf, err := readConfig(path)
	if err != nil {
		return fmt.Errorf("configure: %w", err)
	}
	section := awsconfig.ProfileSection(name)
	// The profile's current settings are the defaults; a new profile has
	// none (resolve would refuse it).
	lf := f.loginFlags
	if !cf.HasSection(section) {
		lf.profile = ""
	}
	var p profileSettings
	if lf.profile != "" {
		pp, err := e.loadProfile(name)
		if err != nil {
			return fmt.Errorf("configure: %w", err)
		}
		p = *pp
	}
	if lf.partition == "" && p.partition == "" && e.getenv(endpoint.EnvPartition) == "" {
		if lf.partition, err = e.ask(ctx, "Astran partition (e.g. demo): "); err != nil {
			return fmt.Errorf("configure: no partition: pass --partition (%w)", err)
		}
	}
	if lf.partition == "" && p.partition == "" {
		lf.partition = e.getenv(endpoint.EnvPartition)
	}
	if lf.username == "" && p.username == "" {
		if lf.username, err = e.ask(ctx, "User name (email address): "); err != nil {
			return fmt.Errorf("configure: no user name: pass --username (%w)", err)
		}
	}
	t, ep, err := e.resolve(&lf)
	if err != nil {
		return fmt.Errorf("configure: %w", err)
	}
	region := f.region
	if region == "" {
		region = p.region
	}
	if region == "" {
		region = ep.Region
	}
	// Only what differs from the partition's defaults is written as an
	// astran_ override.
	def, _ := endpoint.Resolve(func(o *endpoint.Options) {
		o.Partition, o.Root = t.Partition, t.Root
		o.Getenv = func(string) string { return "" }
	})
	override := func(v, d string) string {
		if v == d {
			return ""
		}
		return v
	}
	services, _ := cf.Get(section, "services")
	if services == "" {
		services = name
	}
	settings := []struct{ key, value string }{
		{keyPartition, t.Partition},
		{keyUsername, t.Username},
		{keyRoot, map[bool]string{true: "true"}[t.Root]},
		{keyIssuer, override(ep.Issuer, def.Issuer)},
		{keyClientID, override(ep.ClientID, def.ClientID)},
		{keySTS, override(ep.STS, def.STS)},
		{keyIAM, override(ep.IAM, def.IAM)},
		{keyS3, override(ep.S3, def.S3)},
		{keyRoleARN, t.RoleARN},
		{"region", region},
		{"credential_process", e.selfCommand() + " credentials --profile " + name},
		{"services", services},
	}
	for _, s := range settings {
		if s.value == "" {
			cf.Delete(section, s.key)
			continue
		}
		if err := cf.Set(section, s.key, s.value); err != nil {
			return fmt.Errorf("configure: %w", err)
		}
	}
	servicesSection := "services " + services
	for _, s := range []struct{ service, url string }{{"sts", ep.STS}, {"iam", ep.IAM}, {"s3", ep.S3}} {
		if err := cf.SetNested(servicesSection, s.service, "endpoint_url", s.url); err != nil {
			return fmt.Errorf("configure: %w", err)
		}
	}
	if err := writeConfig(path, cf.Bytes()); err != nil {
		return fmt.Errorf("configure: %w", err)
	}
	fmt.Fprintf(e.stderr, "Wrote profile %s to %s. Try:\n  aws --profile %s s3 ls\n  astran exec --profile %s -- aws s3 ls\n", name, path, name, name)
	return nil
}

// selfCommandDefault is how the aws CLI should run this program: "astran"
// when that finds this executable on $PATH, else its absolute path.
func selfCommandDefault() string {
	self, err := os.Executable()
	if err != nil {
		return "astran"
	}
	if found, err := exec.LookPath("astran"); err == nil {
		a, errA := filepath.EvalSymlinks(found)
		b, errB := filepath.EvalSymlinks(self)
		if errA == nil && errB == nil && a == b {
			return "astran"
		}
	}
	return shellQuote(self)
}

// writeConfig replaces the config file atomically, through a symbolic link
// to it (dotfile managers link it), keeping its mode (0600 for a new file).
func writeConfig(path string, data []byte) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	mode := fs.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return writeFileAtomic(path, data, mode)
}

// ask asks a question on the terminal; an empty answer is an error.
func (e *env) ask(ctx context.Context, question string) (string, error) {
	answer, err := e.askTerminal(ctx, question)
	if err != nil {
		return "", err
	}
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return "", errors.New("no answer")
	}
	return answer, nil
}
