package iamclient

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go/middleware"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/policy"
)

// DefaultTimeout bounds each HTTP request when neither [Options.HTTPClient]
// nor the aws.Config passed to [New] supplies an HTTP client.
const DefaultTimeout = 30 * time.Second

// Options configure a [Client]. The zero value works when the partition is
// known from $ASTRAN_PARTITION, or when an endpoint is set.
type Options struct {
	// Partition is the customer's partition (e.g. "demo"). It selects the
	// default endpoint https://{partition}.iam.astran.io. The zero value
	// means $ASTRAN_PARTITION.
	Partition string

	// BaseEndpoint is the IAM endpoint URL, e.g. a moto_server or
	// emulator URL. It is the single endpoint switch of this package.
	// The zero value means, in order ([endpoint.Resolve]'s): $ASTRAN_IAM_ENDPOINT, the IAM
	// endpoint of the aws.Config's ConfigSources (as set by sts.NewConfig
	// and the emulator's RootConfig, or AWS_ENDPOINT_URL_IAM), the
	// aws.Config's BaseEndpoint, then https://{Partition}.iam.astran.io.
	BaseEndpoint string

	// HTTPClient sends the requests. The zero value means the aws.Config's
	// HTTPClient, or when that is nil an http.Client with [DefaultTimeout].
	HTTPClient *http.Client

	// Dialect is the policy dialect of every document the client handles:
	// documents are validated in it before they are sent, and documents
	// returned by IAM (policy versions, inline policies, trust policies)
	// are parsed in it. The zero value is [policy.Astran]. Choose
	// [policy.AWS] to read documents stored by tools that write the AWS
	// dialect. A principal.Authorizer over a store built on the client
	// (principal/iamstore) evaluates them in the same dialect.
	Dialect policy.Dialect

	// MaxDocumentSize is the largest document, in characters, accepted
	// from IAM (as policy.ParseOptions.MaxSize). The zero value means
	// [policy.DefaultMaxSize] (6,144, IAM's limit for managed policies); a
	// negative value means no limit.
	MaxDocumentSize int

	// API, when set, replaces the *iam.Client built from the aws.Config;
	// the endpoint and HTTP options above are then ignored. Tests use it to
	// plug in fakes.
	API API

	// IAMOptions are applied last to the options of the *iam.Client that
	// [New] builds (retryer, logging, middleware...).
	IAMOptions []func(*iam.Options)

	// Getenv reads the environment. The zero value means os.Getenv.
	Getenv func(string) string
}

// Client calls Astran's IAM API. It is safe for concurrent use by multiple
// goroutines.
type Client struct {
	api      API
	endpoint string // resolved endpoint, "" when Options.API was set
	dialect  policy.Dialect
	maxSize  int // policy.ParseOptions.MaxSize of documents read
}

// New returns a Client for the IAM API of a partition, using the credentials,
// region and HTTP settings of cfg. See [Options] for how the endpoint is
// chosen. cfg.Region defaults to $AWS_REGION or us-east-1 (IAM signs with a
// region but Astran accepts any).
func New(cfg aws.Config, optFns ...func(*Options)) *Client {
	o := apply(optFns)
	c := &Client{api: o.API, dialect: o.Dialect, maxSize: o.MaxDocumentSize}
	if c.api != nil {
		return c
	}
	eps, err := endpoint.Resolve(func(eo *endpoint.Options) {
		eo.Partition, eo.IAM, eo.Region = o.Partition, o.BaseEndpoint, cfg.Region
		eo.Config, eo.Getenv = &cfg, o.Getenv
	})
	c.endpoint = eps.IAM
	region := eps.Region
	ep := c.endpoint
	if ep == "" {
		ep = "https://iam.invalid" // never contacted: see failWith
	}
	c.api = iam.NewFromConfig(cfg, func(io *iam.Options) {
		io.BaseEndpoint = aws.String(strings.TrimRight(ep, "/"))
		io.Region = region
		switch {
		case o.HTTPClient != nil:
			io.HTTPClient = o.HTTPClient
		case cfg.HTTPClient == nil:
			io.HTTPClient = &http.Client{Timeout: DefaultTimeout}
		}
		switch {
		case err != nil:
			// A malformed partition or endpoint: fail every call with it.
			io.APIOptions = append(slices.Clip(io.APIOptions), failWith(fmt.Errorf("iamclient: %w", err)))
		case c.endpoint == "":
			// No partition and no endpoint: fail every call with a clear
			// error rather than guessing a host.
			io.APIOptions = append(slices.Clip(io.APIOptions), failWith(ErrNoEndpoint))
		}
		for _, fn := range o.IAMOptions {
			fn(io)
		}
	})
	return c
}

// Endpoint returns the IAM endpoint URL the client sends requests to, or ""
// when it was built with [Options.API] or without a partition or endpoint.
func (c *Client) Endpoint() string { return c.endpoint }

// Dialect returns the client's policy dialect (Options.Dialect).
func (c *Client) Dialect() policy.Dialect { return c.dialect }

// ParseDocument parses a policy document as IAM returns it: URL-encoded
// JSON (RFC 3986; a form-encoded "+" for a space is accepted too), or plain
// JSON, in the client's Options.Dialect and Options.MaxDocumentSize. It is
// the one reading of documents from IAM: the client's own reads use it, and
// so do stores built on the client. An empty string gives (nil, nil).
func (c *Client) ParseDocument(s string) (*policy.Document, error) {
	return parseDocument(s, func(o *policy.ParseOptions) {
		o.Dialect = c.dialect
		o.MaxSize = c.maxSize
	})
}

// API returns the underlying IAM API client: the *iam.Client that [New]
// built (type-assert to reach the operations API does not list), or
// [Options.API].
func (c *Client) API() API { return c.api }

// failWith returns middleware that fails every call with err.
func failWith(err error) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("AstranNoEndpoint",
			func(context.Context, middleware.InitializeInput, middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return middleware.InitializeOutput{}, middleware.Metadata{}, err
			}), middleware.Before)
	}
}
