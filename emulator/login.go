package emulator

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/astran-oss/astran-go/sts"
)

// ErrLogin reports a failed [Server.Login]; the error text carries the
// server's error code and description, never the password.
var ErrLogin = errors.New("login failed")

// Login logs a partition user in exactly as Astran's tutorial does, over
// HTTP against the emulator, with package sts: the OIDC password grant
// (client "s5"), then STS LoginWithWebIdentity. It returns the temporary
// credentials.
//
// Applications should use the sts package; Login is a shortcut for tests.
func (s *Server) Login(ctx context.Context, email, password string) (aws.Credentials, error) {
	fail := func(err error) (aws.Credentials, error) {
		return aws.Credentials{}, fmt.Errorf("emulator: logging in %q: %w: %w", email, ErrLogin, err)
	}
	grant, err := sts.NewPasswordGrant(s.endpoints, email, sts.StaticPassword(password))
	if err != nil {
		return fail(err)
	}
	tok, err := grant.Token(ctx)
	if err != nil {
		return fail(err)
	}
	res, err := sts.LoginWithWebIdentity(ctx, s.endpoints, tok.AccessToken, email)
	if err != nil {
		return fail(err)
	}
	return res.Credentials.AWS("emulator"), nil
}

// UserConfig logs a user in with [Server.Login] and returns an aws.Config
// with the user's temporary credentials and the emulator's endpoints.
func (s *Server) UserConfig(ctx context.Context, email, password string) (aws.Config, error) {
	c, err := s.Login(ctx, email, password)
	if err != nil {
		return aws.Config{}, err
	}
	return s.Config(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)), nil
}
