package sts

import (
	"fmt"

	"github.com/astran-oss/astran-go/endpoint"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// NewConfig returns an [aws.Config] whose service clients reach the
// endpoints of ep (see [endpoint.Endpoints.AWSConfig]: the SigV4 region,
// per-service base endpoints for S3, IAM and STS, checksums only when
// required) with credentials from provider behind an [aws.CredentialsCache]
// (unless provider already is one). With it,
//
//	client := s3.NewFromConfig(cfg)
//
// talks to the partition's S3. The SDK addresses buckets virtual-hosted
// style ({bucket}.{partition}.s3.astran.io) by default; Astran's examples
// use path style, which endpoints on IP addresses, "localhost" or the
// emulator need too:
//
//	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
//
// When provider is not a *[Provider], the cache uses
// ConfigOptions.ExpiryWindow (5 minutes by default) with its jitter; a
// *Provider applies its own. No request is made.
func NewConfig(ep endpoint.Endpoints, provider aws.CredentialsProvider, optFns ...func(*ConfigOptions)) (aws.Config, error) {
	o := apply(optFns)
	o.ExpiryWindow, o.ExpiryWindowJitterFrac = expiryWindow(o.ExpiryWindow, o.ExpiryWindowJitterFrac)
	if provider == nil {
		return aws.Config{}, fmt.Errorf("sts: new config: nil credentials provider: %w", ErrInvalidConfig)
	}
	for name, u := range map[string]string{"S3": ep.S3, "IAM": ep.IAM, "STS": ep.STS} {
		if !validURL(u) {
			return aws.Config{}, fmt.Errorf("sts: new config: %s endpoint %q is not an http(s) URL: %w", name, u, ErrInvalidConfig)
		}
	}
	creds, ok := provider.(*aws.CredentialsCache)
	if !ok {
		_, ours := provider.(*Provider)
		creds = aws.NewCredentialsCache(provider, func(co *aws.CredentialsCacheOptions) {
			if !ours {
				co.ExpiryWindow = o.ExpiryWindow
				co.ExpiryWindowJitterFrac = o.ExpiryWindowJitterFrac
			}
		})
	}
	cfg := ep.AWSConfig(creds)
	if o.HTTPClient != nil {
		cfg.HTTPClient = o.HTTPClient
	}
	return cfg, nil
}
