package iamclient

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/arn"
)

// CreateOIDCProviderOptions are the optional settings of
// [Client.CreateOIDCProvider].
type CreateOIDCProviderOptions struct {
	// Thumbprints are the SHA-1 fingerprints (hex) of the provider's
	// certificates. IAM no longer requires them for most providers.
	Thumbprints []string
	// Tags are attached to the provider.
	Tags map[string]string
}

// CreateOIDCProvider registers the OpenID Connect issuer issuerURL (https)
// with the audiences clientIDs and returns the provider's ARN, e.g.
// arn:demo:iam::{account}:oidc-provider/{host}/{path}, the Federated
// principal of role trust policies.
func (c *Client) CreateOIDCProvider(ctx context.Context, issuerURL string, clientIDs []string, optFns ...func(*CreateOIDCProviderOptions)) (arn.ARN, error) {
	const op = "CreateOpenIDConnectProvider"
	o := apply(optFns)
	out, err := c.api.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url:            aws.String(issuerURL),
		ClientIDList:   slices.Clone(clientIDs),
		ThumbprintList: slices.Clone(o.Thumbprints),
		Tags:           tagList(o.Tags),
	})
	if err != nil {
		return arn.ARN{}, wrap(op, issuerURL, err)
	}
	return parseARN(out.OpenIDConnectProviderArn), nil
}

// GetOIDCProvider returns the OpenID Connect provider providerARN.
func (c *Client) GetOIDCProvider(ctx context.Context, providerARN arn.ARN) (OIDCProvider, error) {
	out, err := c.api.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN.String())})
	if err != nil {
		return OIDCProvider{}, wrap("GetOpenIDConnectProvider", providerARN.String(), err)
	}
	return OIDCProvider{
		ARN:         providerARN,
		URL:         aws.ToString(out.Url),
		ClientIDs:   out.ClientIDList,
		Thumbprints: out.ThumbprintList,
		CreateDate:  aws.ToTime(out.CreateDate),
		Tags:        tagsMap(out.Tags),
	}, nil
}

// ListOIDCProviders returns the ARNs of the registered OpenID Connect
// providers.
func (c *Client) ListOIDCProviders(ctx context.Context) ([]arn.ARN, error) {
	out, err := c.api.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return nil, wrap("ListOpenIDConnectProviders", "", err)
	}
	return convert(out.OpenIDConnectProviderList, func(p *types.OpenIDConnectProviderListEntry) arn.ARN { return parseARN(p.Arn) }), nil
}

// DeleteOIDCProvider deletes the OpenID Connect provider providerARN.
func (c *Client) DeleteOIDCProvider(ctx context.Context, providerARN arn.ARN) error {
	_, err := c.api.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN.String())})
	return wrap("DeleteOpenIDConnectProvider", providerARN.String(), err)
}

// AddOIDCClientID adds clientID to the audiences accepted from the OpenID
// Connect provider providerARN. Adding an audience it has is not an error.
func (c *Client) AddOIDCClientID(ctx context.Context, providerARN arn.ARN, clientID string) error {
	_, err := c.api.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(providerARN.String()), ClientID: aws.String(clientID),
	})
	return wrap("AddClientIDToOpenIDConnectProvider", providerARN.String(), err)
}
