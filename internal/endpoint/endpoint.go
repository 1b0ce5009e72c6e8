// Package endpoint resolves the URLs of a partition's Astran services, with
// the ASTRAN_* environment variables that `astran serve` prints as overrides.
package endpoint

import (
	"os"
	"strings"
)

// Environment variables read by [FromEnv]; `astran serve` prints them.
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
	// KeycloakHost serves Astran's Keycloak realms (with the legacy /auth prefix).
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

// Endpoints are the base URLs of one partition's services.
type Endpoints struct {
	Partition string
	Issuer    string // OIDC issuer, e.g. https://astran.cloud-iam.com/auth/realms/demo
	ClientID  string // OIDC client ID, "s5" by default
	STS       string // e.g. https://demo.sts.astran.io
	IAM       string // e.g. https://demo.iam.astran.io
	S3        string // e.g. https://demo.s3.astran.io
	Region    string // SigV4 region
}

// ForPartition returns the documented public endpoints of partition.
func ForPartition(partition string) Endpoints {
	return Endpoints{
		Partition: partition,
		Issuer:    KeycloakHost + partition,
		ClientID:  ClientID,
		STS:       "https://" + partition + ".sts.astran.io",
		IAM:       "https://" + partition + ".iam.astran.io",
		S3:        "https://" + partition + ".s3.astran.io",
		Region:    Region,
	}
}

// TokenURL returns the OAuth2 token endpoint of a Keycloak issuer.
func TokenURL(issuer string) string {
	return strings.TrimRight(issuer, "/") + "/protocol/openid-connect/token"
}

// FromEnv returns the endpoints of partition (or of $ASTRAN_PARTITION when
// partition is empty) with every ASTRAN_* variable that is set taking
// precedence over the default. getenv is os.Getenv when nil.
func FromEnv(partition string, getenv func(string) string) Endpoints {
	if getenv == nil {
		getenv = os.Getenv
	}
	if partition == "" {
		partition = getenv(EnvPartition)
	}
	e := ForPartition(partition)
	set := func(dst *string, key string) {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	set(&e.Issuer, EnvOIDCIssuer)
	set(&e.ClientID, EnvClientID)
	set(&e.STS, EnvSTSEndpoint)
	set(&e.IAM, EnvIAMEndpoint)
	set(&e.S3, EnvS3Endpoint)
	set(&e.Region, EnvRegionAlt)
	set(&e.Region, EnvRegion)
	return e
}
