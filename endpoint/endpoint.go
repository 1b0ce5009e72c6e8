// Package endpoint resolves where a partition's Astran services are: the
// OIDC issuer and client of its identity provider, and the base URLs of its
// STS, IAM and S3 endpoints, with the SigV4 region.
//
// Every value is taken, in order of precedence, from the [Options] the
// caller sets (command-line flags, a profile), then from the ASTRAN_*
// environment variables that `astran serve` prints, then from Astran's
// documented defaults for the partition. [Resolve] implements that order
// once for the whole module (package sts, package iamclient and the astran
// command use it), and [Endpoints.AWSConfig] turns the result into what
// aws-sdk-go-v2 needs, as config.LoadDefaultConfig does:
//
//	ep, err := endpoint.Resolve(func(o *endpoint.Options) { o.Partition = "demo" })
//	...
//	cfg := ep.AWSConfig(credentials)
//	client := s3.NewFromConfig(cfg)
package endpoint

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Environment variables read by [Resolve]; `astran serve` prints them.
const (
	EnvPartition   = "ASTRAN_PARTITION"
	EnvOIDCIssuer  = "ASTRAN_OIDC_ISSUER"
	EnvClientID    = "ASTRAN_CLIENT_ID"
	EnvSTSEndpoint = "ASTRAN_STS_ENDPOINT"
	EnvIAMEndpoint = "ASTRAN_IAM_ENDPOINT"
	EnvS3Endpoint  = "ASTRAN_S3_ENDPOINT"
	EnvRegion      = "AWS_REGION"
	EnvRegionAlt   = "AWS_DEFAULT_REGION"
)

// Defaults documented by Astran.
const (
	// KeycloakHost serves Astran's Keycloak realms (with the legacy /auth
	// prefix); a partition's issuer is KeycloakHost + partition.
	KeycloakHost = "https://astran.cloud-iam.com/auth/realms/"
	// ClientID is the public OIDC client of partition users.
	ClientID = "s5"
	// RootRealm and RootClientID are used to log in root accounts.
	RootRealm    = "root-accounts"
	RootClientID = "root-client"
	// Region is the SigV4 signing region used when none is configured.
	// Astran does not document one; any value is accepted by its services.
	Region = "us-east-1"
)

// Errors wrapped by the *[Error] values [Resolve] returns.
var (
	// ErrInvalidPartition: a partition name that is not 1 to 63 letters,
	// digits, '-' or '_' (it becomes part of host names).
	ErrInvalidPartition = errors.New("invalid partition name")
	// ErrInvalidURL: an issuer or endpoint that is not an absolute http or
	// https URL with a host.
	ErrInvalidURL = errors.New("not an http(s) URL")
)

// Error reports a value [Resolve] rejected and where it came from.
type Error struct {
	Field  string // "partition", "issuer", "STS endpoint", ...
	Value  string
	Source string // "option", the environment variable's name, or "default"
	Err    error  // ErrInvalidPartition or ErrInvalidURL
}

func (e *Error) Error() string {
	return fmt.Sprintf("endpoint: %s %q (from %s): %v", e.Field, e.Value, e.Source, e.Err)
}

// Unwrap returns the category.
func (e *Error) Unwrap() error { return e.Err }

// Options say where the services are. The zero value of every field means
// the corresponding ASTRAN_* variable, else Astran's default.
type Options struct {
	// Partition is the customer's partition, e.g. "demo". Zero:
	// $ASTRAN_PARTITION. Without a partition, the values that default to a
	// partition's URL are left empty.
	Partition string
	// Root selects the root accounts' realm ("root-accounts") and client
	// ("root-client") unless Realm, Issuer or ClientID say otherwise.
	Root bool
	// Realm replaces the realm (the last path segment after /realms/) of
	// the issuer. Zero: the partition, or "root-accounts" when Root is set.
	Realm string
	// Issuer is the OIDC issuer URL. Zero: $ASTRAN_OIDC_ISSUER (its realm
	// replaced as Realm and Root say), else KeycloakHost + realm.
	Issuer string
	// ClientID is the OIDC client. Zero: $ASTRAN_CLIENT_ID, else "s5"
	// ("root-client" when Root is set).
	ClientID string
	// STS, IAM and S3 are the services' base URLs. Zero:
	// $ASTRAN_{STS,IAM,S3}_ENDPOINT, then the endpoint Config names for
	// the service, else https://{partition}.{sts,iam,s3}.astran.io.
	STS, IAM, S3 string
	// Region is the SigV4 signing region. Zero: $AWS_REGION,
	// $AWS_DEFAULT_REGION, Config's region, else "us-east-1".
	Region string
	// Config, when set, is consulted after the environment and before the
	// defaults: its ConfigSources' per-service endpoints (as set by
	// [Endpoints.AWSConfig] or by the SDK from AWS_ENDPOINT_URL_IAM and
	// the like), then its BaseEndpoint, then its Region.
	Config *aws.Config
	// Getenv reads the environment. Zero: os.Getenv.
	Getenv func(string) string
}

// Endpoints are where one partition's services are. Empty fields are
// unknown (no partition and no override).
type Endpoints struct {
	Partition string
	Root      bool   // the issuer and client are the root accounts' ones
	Issuer    string // OIDC issuer, e.g. https://astran.cloud-iam.com/auth/realms/demo
	ClientID  string // OIDC client ID, "s5" by default
	STS       string // e.g. https://demo.sts.astran.io
	IAM       string // e.g. https://demo.iam.astran.io
	S3        string // e.g. https://demo.s3.astran.io
	Region    string // SigV4 region
}

// Resolve returns the endpoints that the options, the environment and the
// defaults name, in that order of precedence. It makes no request. It fails
// with an *[Error] when the partition or a URL is malformed, wherever it
// came from; values it cannot determine are left empty.
func Resolve(optFns ...func(*Options)) (Endpoints, error) {
	var o Options
	for _, fn := range optFns {
		if fn != nil {
			fn(&o)
		}
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	// pick returns the first non-empty value with its source.
	type value struct{ v, src string }
	pick := func(vals ...value) value {
		for _, v := range vals {
			if v.v != "" {
				return v
			}
		}
		return value{}
	}
	env := func(name string) value { return value{getenv(name), "$" + name} }
	opt := func(v string) value { return value{v, "option"} }
	def := func(v string) value { return value{v, "default"} }
	cfg := func(sdkID string) value { return value{configEndpoint(o.Config, sdkID), "aws.Config"} }

	part := pick(opt(o.Partition), env(EnvPartition))
	if part.v != "" && !validPartition(part.v) {
		return Endpoints{}, &Error{Field: "partition", Value: part.v, Source: part.src, Err: ErrInvalidPartition}
	}
	e := Endpoints{Partition: part.v, Root: o.Root}
	hostDefault := func(service string) value {
		if part.v == "" {
			return value{}
		}
		return def("https://" + part.v + "." + service + ".astran.io")
	}

	realm := o.Realm
	if realm == "" && o.Root {
		realm = RootRealm
	}
	issuer := pick(opt(o.Issuer), env(EnvOIDCIssuer))
	switch {
	case issuer.src == "option":
	case issuer.v != "" && realm != "":
		issuer.v = replaceRealm(issuer.v, part.v, realm)
	case issuer.v == "" && realm != "":
		issuer = def(KeycloakHost + realm)
	case issuer.v == "" && part.v != "":
		issuer = def(KeycloakHost + part.v)
	}
	clientDefault := ClientID
	if o.Root {
		clientDefault = RootClientID
	}
	client := pick(opt(o.ClientID), env(EnvClientID), def(clientDefault))
	if o.Root && client.src == "$"+EnvClientID {
		// The variable names the partition's client; root accounts log in
		// with their own realm's client.
		client = def(RootClientID)
	}

	sts := pick(opt(o.STS), env(EnvSTSEndpoint), cfg("STS"), hostDefault("sts"))
	iam := pick(opt(o.IAM), env(EnvIAMEndpoint), cfg("IAM"), hostDefault("iam"))
	s3 := pick(opt(o.S3), env(EnvS3Endpoint), cfg("S3"), hostDefault("s3"))
	region := pick(opt(o.Region), env(EnvRegion), env(EnvRegionAlt), value{configRegion(o.Config), "aws.Config"}, def(Region))

	for _, f := range []struct {
		name string
		v    value
		dst  *string
	}{
		{"issuer", issuer, &e.Issuer},
		{"STS endpoint", sts, &e.STS},
		{"IAM endpoint", iam, &e.IAM},
		{"S3 endpoint", s3, &e.S3},
	} {
		if f.v.v != "" && !ValidURL(f.v.v) {
			return Endpoints{}, &Error{Field: f.name, Value: f.v.v, Source: f.v.src, Err: ErrInvalidURL}
		}
		*f.dst = f.v.v
	}
	e.ClientID, e.Region = client.v, region.v
	return e, nil
}

// validPartition accepts 1 to 63 ASCII letters, digits, '-' and '_'.
func validPartition(p string) bool {
	if len(p) == 0 || len(p) > 63 {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ValidURL reports whether s is an absolute http or https URL with a host
// and no user information.
func ValidURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// replaceRealm swaps the realm of a Keycloak issuer (the segment after the
// last "/realms/") for realm; an issuer without "/realms/" is kept.
func replaceRealm(issuer, partition, realm string) string {
	trimmed := strings.TrimRight(issuer, "/")
	if partition != "" && strings.HasSuffix(trimmed, "/realms/"+partition) {
		return strings.TrimSuffix(trimmed, partition) + realm
	}
	if i := strings.LastIndex(trimmed, "/realms/"); i >= 0 {
		return trimmed[:i] + "/realms/" + realm
	}
	return trimmed
}

// TokenURL returns the OAuth2 token endpoint of a Keycloak issuer.
func TokenURL(issuer string) string {
	return strings.TrimRight(issuer, "/") + "/protocol/openid-connect/token"
}

// TokenURL returns the token endpoint of e's issuer (Keycloak's path), or
// "" without an issuer.
func (e Endpoints) TokenURL() string {
	if e.Issuer == "" {
		return ""
	}
	return TokenURL(e.Issuer)
}

// GetServiceBaseEndpoint returns the base endpoint of the service whose
// aws-sdk-go-v2 ID is sdkID ("STS", "IAM" or "S3"). With it, Endpoints is
// a config source that every aws-sdk-go-v2 service client consults (put it
// in aws.Config.ConfigSources, as [Endpoints.AWSConfig] does).
func (e Endpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	var u string
	switch sdkID {
	case "STS":
		u = e.STS
	case "IAM":
		u = e.IAM
	case "S3":
		u = e.S3
	}
	return u, u != "", nil
}

// AWSConfig returns an aws.Config whose service clients reach e: the
// region, e as a config source for the STS, IAM and S3 base endpoints (so
// cfg.BaseEndpoint stays nil and each service gets its own URL; a client's
// own Options.BaseEndpoint still wins), checksums only when an operation
// requires them (S3-compatible servers often reject the SDK's default
// trailing checksums), and credentials as given (nil: none). Put
// credentials that can expire behind an [aws.CredentialsCache].
func (e Endpoints) AWSConfig(credentials aws.CredentialsProvider) aws.Config {
	return aws.Config{
		Region:                     e.Region,
		Credentials:                credentials,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		ConfigSources:              []any{e},
	}
}

// Environ returns e as "NAME=value" lines for a shell or a child process:
// the ASTRAN_* variables [Resolve] reads, the aws-sdk/CLI per-service
// endpoint variables (AWS_ENDPOINT_URL_STS, _IAM, _S3) and AWS_REGION.
// Empty values are left out, and so are the issuer and client of root
// endpoints (the variables name the partition users' ones). It holds no
// secret.
func (e Endpoints) Environ() []string {
	var out []string
	add := func(name, v string) {
		if v != "" {
			out = append(out, name+"="+v)
		}
	}
	add(EnvPartition, e.Partition)
	if !e.Root {
		add(EnvOIDCIssuer, e.Issuer)
		add(EnvClientID, e.ClientID)
	}
	add(EnvSTSEndpoint, e.STS)
	add(EnvIAMEndpoint, e.IAM)
	add(EnvS3Endpoint, e.S3)
	add("AWS_ENDPOINT_URL_STS", e.STS)
	add("AWS_ENDPOINT_URL_IAM", e.IAM)
	add("AWS_ENDPOINT_URL_S3", e.S3)
	add(EnvRegion, e.Region)
	return out
}

// serviceEndpointSource is the interface aws-sdk-go-v2's service clients
// look for in aws.Config.ConfigSources.
type serviceEndpointSource interface {
	GetServiceBaseEndpoint(ctx context.Context, sdkID string) (string, bool, error)
}

// configEndpoint returns the endpoint cfg names for a service: its config
// sources', else its BaseEndpoint; "" when none.
func configEndpoint(cfg *aws.Config, sdkID string) string {
	if cfg == nil {
		return ""
	}
	for _, src := range cfg.ConfigSources {
		if s, ok := src.(serviceEndpointSource); ok {
			if u, found, err := s.GetServiceBaseEndpoint(context.Background(), sdkID); err == nil && found && u != "" {
				return u
			}
		}
	}
	if cfg.BaseEndpoint != nil {
		return *cfg.BaseEndpoint
	}
	return ""
}

func configRegion(cfg *aws.Config) string {
	if cfg == nil {
		return ""
	}
	return cfg.Region
}
