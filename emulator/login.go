package emulator

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/astran-oss/astran-go/endpoint"
)

// ErrLogin reports a failed [Server.Login]; the error text carries the
// server's error code and description, never the password.
var ErrLogin = errors.New("login failed")

// Login logs a partition user in exactly as Astran's tutorial does, over
// HTTP against the emulator: the OIDC password grant (client "s5"), then STS
// LoginWithWebIdentity. It returns the temporary credentials.
//
// Applications should use the sts package; Login is a shortcut for tests.
func (s *Server) Login(ctx context.Context, email, password string) (aws.Credentials, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	post := func(u string, form url.Values) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return resp.StatusCode, b, err
	}
	status, body, err := post(endpoint.TokenURL(s.endpoints.Issuer), url.Values{
		"client_id": {endpoint.ClientID}, "grant_type": {"password"}, "username": {email}, "password": {password}})
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("emulator: logging in %q: %w", email, err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || status != http.StatusOK {
		return aws.Credentials{}, fmt.Errorf("emulator: logging in %q: %d %s %s: %w", email, status, tok.Error, tok.Description, ErrLogin)
	}
	status, body, err = post(s.endpoints.STS, url.Values{"Version": {"2011-06-15"}, "Action": {"LoginWithWebIdentity"},
		"WebIdentityToken": {tok.AccessToken}, "UserSessionName": {email}})
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("emulator: logging in %q: %w", email, err)
	}
	var res struct {
		AccessKeyID     string    `xml:"LoginWithWebIdentityResult>Credentials>AccessKeyId"`
		SecretAccessKey string    `xml:"LoginWithWebIdentityResult>Credentials>SecretAccessKey"`
		SessionToken    string    `xml:"LoginWithWebIdentityResult>Credentials>SessionToken"`
		Expiration      time.Time `xml:"LoginWithWebIdentityResult>Credentials>Expiration"`
		Code            string    `xml:"Error>Code"`
		Message         string    `xml:"Error>Message"`
	}
	if err := xml.Unmarshal(body, &res); err != nil || status != http.StatusOK {
		return aws.Credentials{}, fmt.Errorf("emulator: LoginWithWebIdentity for %q: %d %s %s: %w", email, status, res.Code, res.Message, ErrLogin)
	}
	return aws.Credentials{AccessKeyID: res.AccessKeyID, SecretAccessKey: res.SecretAccessKey, SessionToken: res.SessionToken,
		Source: "emulator", CanExpire: true, Expires: res.Expiration}, nil
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
