package engine

import (
	"testing"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/emulator/internal/emu"
)

// TestSecurity_foreignRootBypass: the root bypass belongs to the emulator's
// own account root only. A root ARN of another account or partition (as a
// caller built from a claim would carry) is an unknown caller and denied.
func TestSecurity_foreignRootBypass(t *testing.T) {
	const account = "ce09c61d-afac-404f-a96b-ebbbced80013"
	e := New(emu.NewState("demo", account), time.Now)
	for _, tc := range []struct {
		caller string
		want   bool
	}{
		{"arn:demo:iam::" + account + ":root", true},
		{"arn:demo:iam::0d1b6a3e-5f0c-4a59-9a8e-000000000000:root", false},
		{"arn:x:iam::" + account + ":root", false},
		{"arn:astran:iam::astran:root", false},
		{"arn:aws:iam::123456789012:root", false},
	} {
		got, err := e.Authorize(t.Context(), emu.AuthRequest{Identity: arn.MustParse(tc.caller),
			Action: "iam:CreateUser", Resource: "arn:demo:iam::" + account + ":user/eve@astran.io"})
		if got != tc.want {
			t.Errorf("%s: allowed=%v (%v), want %v", tc.caller, got, err, tc.want)
		}
	}
}

// TestSecurity_storeBuiltinSpellings: the store serves a built-in only in
// the spellings builtin.Canonical accepts, always with the canonical ID.
func TestSecurity_storeBuiltinSpellings(t *testing.T) {
	s := Store{emu.NewState("demo", "ce09c61d-afac-404f-a96b-ebbbced80013")}
	for _, tc := range []struct {
		arn string
		ok  bool
	}{
		{"arn:astran:iam::astran:policy/AstranAdmin", true},
		{"arn:demo:iam::astran:policy/AstranAdmin", true},
		{"arn:x:iam::astran:policy/AstranAdmin", false},
		{"arn:astran:iam:us-east-1:astran:policy/AstranAdmin", false},
		{"arn:astran:iam::astran:policy/team/AstranAdmin", false},
		{"arn:astran:iam::astran:policy/Nope", false},
	} {
		p, err := s.ManagedPolicy(t.Context(), arn.MustParse(tc.arn))
		if tc.ok && (err != nil || p.ID != "arn:astran:iam::astran:policy/AstranAdmin") {
			t.Errorf("%s: %+v %v, want the canonical AstranAdmin", tc.arn, p.ID, err)
		}
		if !tc.ok && err == nil {
			t.Errorf("%s: served %s, want not found", tc.arn, p.ID)
		}
	}
}
