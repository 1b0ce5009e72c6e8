package main

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts"
)

// assumeRole logs in with AssumeRoleWithWebIdentity of t.RoleARN, with the
// identity tokens of grant.
func (e *env) assumeRole(ctx context.Context, f *loginFlags, t target, ep endpoint.Endpoints, grant *sts.PasswordGrant, opts func(*sts.RequestOptions)) (*loginRecord, error) {
	clock := &serverClock{now: e.now}
	client := e.httpClient
	if client == nil {
		client = &http.Client{Timeout: sts.DefaultHTTPTimeout}
	}
	wrapped := *client
	wrapped.Transport = clock.wrap(client.Transport)
	p, err := sts.NewProvider(ep, grant, func(o *sts.ProviderOptions) {
		opts(&o.RequestOptions)
		o.RoleARN = t.RoleARN
		o.SessionName = f.sessionName
		o.ExpiryWindow = -1 // the cache judges expiry itself
		o.HTTPClient = &wrapped
	})
	if err != nil {
		return nil, loginError(err)
	}
	c, err := p.Retrieve(ctx)
	if err != nil {
		return nil, loginError(err)
	}
	// The provider reports the expiration on the local clock; the cache
	// keeps the server's, and the offset between them.
	offset := clock.offset()
	return &loginRecord{
		target:            t,
		ServerClockOffset: offset,
		Credentials: credentialsJSON{
			AccessKeyID:     c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey,
			SessionToken:    c.SessionToken,
			Expiration:      c.Expires.Add(offset).UTC(),
		},
	}, nil
}

// serverClock records how far the server's Date headers are from the
// local clock.
type serverClock struct {
	now func() time.Time
	rt  http.RoundTripper

	mu   sync.Mutex // guards diff
	diff time.Duration
}

func (c *serverClock) wrap(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.rt = rt
	return c
}

func (c *serverClock) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if err == nil {
		if d, perr := http.ParseTime(resp.Header.Get("Date")); perr == nil {
			c.mu.Lock()
			c.diff = d.Sub(c.now()).Round(time.Second)
			c.mu.Unlock()
		}
	}
	return resp, err
}

// offset returns the server's clock minus the local clock at the last
// response with a Date header; zero without one.
func (c *serverClock) offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.diff
}
