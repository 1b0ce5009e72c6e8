package emulator

import (
	"net"
	"testing"
)

// TestAdvertised: a wildcard listen address is advertised as 127.0.0.1,
// never as 0.0.0.0 or [::], which clients cannot connect to everywhere.
func TestAdvertised(t *testing.T) {
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4zero, Port: 4566}, "127.0.0.1:4566"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 4566}, "127.0.0.1:4566"},
		{&net.TCPAddr{IP: nil, Port: 4566}, "127.0.0.1:4566"},
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80}, "127.0.0.1:80"},
		{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 80}, "192.0.2.7:80"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 80}, "[::1]:80"},
	} {
		if got := advertised(tc.addr); got != tc.want {
			t.Errorf("advertised(%v) = %s, want %s", tc.addr, got, tc.want)
		}
	}
}
