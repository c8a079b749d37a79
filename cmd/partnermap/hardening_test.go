package main

import (
	"net"
	"testing"
)

func TestAListenerOtherMachinesCanReachIsWarnedAbout(t *testing.T) {
	for _, tc := range []struct {
		addr string
		warn bool
	}{
		{"127.0.0.1:9464", false},
		{"[::1]:9464", false},
		{"0.0.0.0:9464", true}, // what ":9464" binds
		{"[::]:9464", true},
		{"192.0.2.10:9464", true},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := exposedListener(addr); (got != "") != tc.warn {
			t.Errorf("%s: warning %q, want one: %v", tc.addr, got, tc.warn)
		}
	}
}
