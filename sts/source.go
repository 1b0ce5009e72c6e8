package sts

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// TokenSource supplies the web identity token that a [Provider] exchanges
// at STS: Token(ctx).AccessToken is sent as WebIdentityToken. It is the
// one-method interface of golang.org/x/oauth2's TokenSource and of
// stscreds' IdentityTokenRetriever, with a context. Implementations must be
// safe for concurrent use.
//
// The sources of this package are [PasswordGrant] (Astran's users),
// [TokenFile] (workloads with a projected OIDC token) and [StaticToken];
// [TokenSourceFunc] adapts a function.
type TokenSource interface {
	Token(ctx context.Context) (*Token, error)
}

// TokenSourceFunc adapts a function to [TokenSource].
type TokenSourceFunc func(ctx context.Context) (*Token, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context) (*Token, error) { return f(ctx) }

// compile-time checks
var (
	_ TokenSource = (*PasswordGrant)(nil)
	_ TokenSource = TokenSourceFunc(nil)
)

// StaticToken returns a TokenSource that always returns token, e.g. one
// obtained by another flow. It fails with [ErrNoToken] when token is empty.
// The value stays in memory for the life of the returned source.
func StaticToken(token string) TokenSource {
	return TokenSourceFunc(func(context.Context) (*Token, error) {
		if token == "" {
			return nil, fmt.Errorf("sts: static token: empty token: %w", ErrNoToken)
		}
		return &Token{AccessToken: token, TokenType: "Bearer"}, nil
	})
}

// maxTokenFileBytes caps the size of a token file.
const maxTokenFileBytes = 64 << 10

// TokenFile returns a TokenSource that reads the token in the file at path
// on every call, for workloads whose platform writes a fresh OIDC token
// there (Kubernetes projected service account tokens, the file
// AWS_WEB_IDENTITY_TOKEN_FILE names). Surrounding white space is removed.
// It fails with [ErrNoToken] when the file is missing, empty or larger than
// 64 KiB.
func TokenFile(path string) TokenSource {
	return TokenSourceFunc(func(ctx context.Context) (*Token, error) {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("sts: reading token file %s: %w", path, err)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("sts: reading token file: %w: %w", ErrNoToken, err)
		}
		defer f.Close()
		b, err := readCapped(f, maxTokenFileBytes)
		if err != nil {
			return nil, fmt.Errorf("sts: reading token file %s: %w: %w", path, ErrNoToken, err)
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return nil, fmt.Errorf("sts: reading token file %s: empty file: %w", path, ErrNoToken)
		}
		return &Token{AccessToken: tok, TokenType: "Bearer"}, nil
	})
}
