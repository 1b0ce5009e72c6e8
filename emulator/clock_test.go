package emulator_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestClock_sdkClientsFollowAdvance: after Advance moves the emulator's
// clock past the 15-minute signing window, a client of Server.Config
// corrects its signing time from the Date header and works, while a client
// that does not retry is refused as skewed.
func TestClock_sdkClientsFollowAdvance(t *testing.T) {
	srv := newServer(t)
	ctx := t.Context()
	srv.Advance(20 * time.Minute)
	if _, err := iam.NewFromConfig(srv.RootConfig()).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("Server.Config client after Advance(20m): %v", err)
	}
	cfg := srv.RootConfig()
	cfg.Retryer = nil
	cfg.RetryMaxAttempts = 1
	_, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{})
	if apiCode(err) != "RequestTimeTooSkewed" {
		t.Fatalf("client signing 20 minutes behind the emulator: %v, want RequestTimeTooSkewed", err)
	}
}
