// Package endpoint forwards to the public package
// github.com/astran-oss/astran-go/endpoint, for the importers that have not
// moved to it yet. New code imports the public package.
package endpoint

import "github.com/astran-oss/astran-go/endpoint"

// Names of the public package.
const (
	EnvPartition   = endpoint.EnvPartition
	EnvOIDCIssuer  = endpoint.EnvOIDCIssuer
	EnvClientID    = endpoint.EnvClientID
	EnvSTSEndpoint = endpoint.EnvSTSEndpoint
	EnvIAMEndpoint = endpoint.EnvIAMEndpoint
	EnvS3Endpoint  = endpoint.EnvS3Endpoint
	EnvRegion      = endpoint.EnvRegion
	EnvRegionAlt   = endpoint.EnvRegionAlt
	KeycloakHost   = endpoint.KeycloakHost
	ClientID       = endpoint.ClientID
	RootRealm      = endpoint.RootRealm
	RootClientID   = endpoint.RootClientID
	Region         = endpoint.Region
)

// Endpoints is [endpoint.Endpoints].
type Endpoints = endpoint.Endpoints

// TokenURL is [endpoint.TokenURL].
func TokenURL(issuer string) string { return endpoint.TokenURL(issuer) }

// FromEnv is [endpoint.Resolve] with a partition and an environment; when
// the partition or a variable is malformed, only the partition is set, so
// that every use of the empty URLs fails.
func FromEnv(partition string, getenv func(string) string) Endpoints {
	e, err := endpoint.Resolve(func(o *endpoint.Options) { o.Partition, o.Getenv = partition, getenv })
	if err != nil {
		return Endpoints{Partition: partition}
	}
	return e
}
