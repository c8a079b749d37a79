package main

import (
	"net"
	"testing"
)

func TestTheServiceHasASoftMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		name, env, cgroup string
		want              int64
	}{
		{"no limit anywhere: the budget", "", "", 1 << 30},
		{"cgroup without a limit", "", "max\n", 1 << 30},
		{"a tighter cgroup limit (512 MiB)", "", "536870912\n", 536870912 / 10 * 8},
		{"a looser cgroup limit (8 GiB)", "", "8589934592\n", 1 << 30},
		{"GOMEMLIMIT set by the admin wins", "2GiB", "536870912\n", 0},
	} {
		if got := memoryLimit(tc.env, []byte(tc.cgroup)); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestAOneShotSyncHasASoftMemoryLimitInAContainerOnly(t *testing.T) {
	for _, tc := range []struct {
		name, env, cgroup string
		want              int64
	}{
		{"no limit anywhere: none", "", "", 0},
		{"cgroup without a limit: none", "", "max\n", 0},
		{"a cgroup limit (2 GiB): 80% of it", "", "2147483648\n", 2147483648 / 10 * 8},
		{"GOMEMLIMIT set by the admin wins", "2GiB", "536870912\n", 0},
	} {
		if got := oneShotMemoryLimit(tc.env, []byte(tc.cgroup)); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

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
