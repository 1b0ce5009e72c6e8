package sts

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// NewConfig returns an [aws.Config] for partition whose service clients
// (see [endpoint.Endpoints.AWSConfig])
// reach Astran: credentials from provider behind an [aws.CredentialsCache]
// (unless provider already is one), the SigV4 region, and base endpoints
// for S3, IAM and STS (Options.S3Endpoint etc., $ASTRAN_*_ENDPOINT, else
// https://{partition}.{s3,iam,sts}.astran.io). With it,
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
// The endpoints are set per service through cfg.ConfigSources (the
// mechanism behind AWS_ENDPOINT_URL_<SERVICE>), so cfg.BaseEndpoint stays
// nil; setting it would send every service to one URL. A client's own
// Options.BaseEndpoint still wins. Request and response checksums are only
// computed when an operation requires them, as S3-compatible servers often
// reject the SDK's default trailing checksums.
//
// cfg.HTTPClient is Options.HTTPClient when set, else nil so that the
// SDK's default client (without an overall timeout, which would cut large
// transfers) is used.
//
// When provider is not a *[Provider], the cache uses Options.ExpiryWindow
// (5 minutes by default) with its jitter; a *Provider applies them itself.
// ctx is reserved for future use; no request is made.
func NewConfig(ctx context.Context, partition string, provider aws.CredentialsProvider, optFns ...func(*Options)) (aws.Config, error) {
	_ = ctx
	o, err := resolveOptions(partition, optFns)
	if err != nil {
		return aws.Config{}, err
	}
	if provider == nil {
		return aws.Config{}, fmt.Errorf("sts: new config: nil credentials provider: %w", ErrInvalidConfig)
	}
	for name, u := range map[string]string{"S3": o.S3Endpoint, "IAM": o.IAMEndpoint, "STS": o.STSEndpoint} {
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
	cfg := o.ep.AWSConfig(creds)
	if o.userHTTPClient {
		cfg.HTTPClient = o.HTTPClient
	}
	return cfg, nil
}
