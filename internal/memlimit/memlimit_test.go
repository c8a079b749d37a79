package memlimit

import (
	"runtime/debug"
	"testing"
)

func TestPick(t *testing.T) {
	for _, tc := range []struct {
		name, env, cgroup string
		want              int64
	}{
		{"no limit anywhere: the budget", "", "", 1 << 30},
		{"cgroup without a limit", "", "max\n", 1 << 30},
		{"a tighter cgroup limit (512 MiB)", "", "536870912\n", 536870912 / 10 * 8},
		{"a looser cgroup limit (8 GiB)", "", "8589934592\n", 1 << 30},
		{"GOMEMLIMIT set by the admin wins", "2GiB", "536870912\n", 0},
		{"GOMEMLIMIT=off is the admin's too", "off", "", 0},
		{"an unreadable cgroup file: the budget", "", "garbage", 1 << 30},
	} {
		if got := Pick(tc.env, []byte(tc.cgroup)); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestAOneShotSyncCollectsLessOftenBelowItsLimit(t *testing.T) {
	for _, tc := range []struct {
		name, gogc, gomemlimit string
		want                   int
	}{
		{"under the default limit", "", "", oneShotGCPercent},
		{"GOGC set by the admin", "50", "", 50},
		{"no limit (GOMEMLIMIT=off): the runtime's pace", "", "off", 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
			limit, pace := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
			defer debug.SetMemoryLimit(limit)
			defer debug.SetGCPercent(pace)
			if tc.gogc != "" {
				debug.SetGCPercent(50) // what the runtime read from GOGC at start
			}
			ApplyOneShot()
			if got := debug.SetGCPercent(100); got != tc.want {
				t.Errorf("GOGC %d, want %d", got, tc.want)
			}
		})
	}
}
