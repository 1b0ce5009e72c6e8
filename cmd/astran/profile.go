package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/astran-oss/astran-go/internal/awsconfig"
)

// Profiles live in the shared AWS config file, next to the aws CLI's own
// settings, with astran_-prefixed keys, so that one section serves both:
//
//	[profile bob]
//	astran_partition = demo
//	astran_username = bob@astran.io
//	credential_process = astran credentials --profile bob
//	services = bob
const (
	keyPartition = "astran_partition"
	keyUsername  = "astran_username"
	keyRoot      = "astran_root"
	keyIssuer    = "astran_issuer"
	keyClientID  = "astran_client_id"
	keySTS       = "astran_sts_endpoint"
	keyIAM       = "astran_iam_endpoint"
	keyS3        = "astran_s3_endpoint"
	keyRoleARN   = "astran_role_arn"
)

// EnvConfigFile names the shared config file, as for the aws CLI.
const EnvConfigFile = "AWS_CONFIG_FILE"

// maxConfigFileBytes bounds what is read from the config file.
const maxConfigFileBytes = 4 << 20

// profileSettings are the astran settings of a profile.
type profileSettings struct {
	partition, username, issuer, clientID string
	sts, iam, s3, roleARN, region         string
	root                                  bool
}

// profileError reports a profile that cannot be used.
type profileError struct {
	Profile, File string
	Err           error
}

func (e *profileError) Error() string {
	return fmt.Sprintf("profile %s in %s: %v", e.Profile, e.File, e.Err)
}
func (e *profileError) Unwrap() error { return e.Err }

var errNoProfile = errors.New("no such profile")

// configFile returns the path of the shared config file: $AWS_CONFIG_FILE,
// else ~/.aws/config.
func (e *env) configFile() (string, error) {
	if p := e.getenv(EnvConfigFile); p != "" {
		return p, nil
	}
	home := e.getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("no config file: set %s or HOME: %w", EnvConfigFile, err)
		}
	}
	return filepath.Join(home, ".aws", "config"), nil
}

// readConfig parses the config file; a missing file is an empty one.
func readConfig(path string) (*awsconfig.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &awsconfig.File{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxConfigFileBytes)
	}
	cf, err := awsconfig.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cf, nil
}

// loadProfile reads the astran settings of profile name.
func (e *env) loadProfile(name string) (*profileSettings, error) {
	path, err := e.configFile()
	if err != nil {
		return nil, err
	}
	cf, err := readConfig(path)
	if err != nil {
		return nil, &profileError{Profile: name, File: path, Err: err}
	}
	section := awsconfig.ProfileSection(name)
	if !cf.HasSection(section) {
		return nil, &profileError{Profile: name, File: path, Err: fmt.Errorf("%w: no [%s] section", errNoProfile, section)}
	}
	p := &profileSettings{}
	dst := map[string]*string{
		keyPartition: &p.partition, keyUsername: &p.username, keyIssuer: &p.issuer,
		keyClientID: &p.clientID, keySTS: &p.sts, keyIAM: &p.iam, keyS3: &p.s3,
		keyRoleARN: &p.roleARN, "region": &p.region,
	}
	for _, k := range cf.Keys(section) {
		v, _ := cf.Get(section, k)
		switch {
		case k == keyRoot:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, &profileError{Profile: name, File: path, Err: fmt.Errorf("%s = %q is not true or false", k, v)}
			}
			p.root = b
		case dst[k] != nil:
			*dst[k] = v
		case strings.HasPrefix(k, "astran_"):
			return nil, &profileError{Profile: name, File: path, Err: fmt.Errorf("unknown setting %q", k)}
		}
	}
	return p, nil
}
