package memlimit

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// anonHugeKiB is the process's memory in transparent huge pages.
func anonHugeKiB(t *testing.T) int64 {
	t.Helper()
	rollup, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		t.Skipf("no smaps_rollup: %v", err)
	}
	for line := range strings.Lines(string(rollup)) {
		if rest, ok := strings.CutPrefix(line, "AnonHugePages:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("AnonHugePages %q: %v", rest, err)
			}
			return n
		}
	}
	t.Skip("no AnonHugePages in smaps_rollup")
	return 0
}

// touch writes to every 4 KiB page of b.
func touch(b []byte) {
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
}

const childEnv = "PARTNERMAP_MEMLIMIT_HUGE_CHILD"

// TestAReservedHeapIsBackedByHugePages runs in a process of its own, so that no other test's
// heap is in the way: 64 MiB allocated before the reservation get no huge pages, 64 MiB
// allocated after it do.
func TestAReservedHeapIsBackedByHugePages(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		before := anonHugeKiB(t)
		plain := make([]byte, 64<<20)
		touch(plain)
		unasked := anonHugeKiB(t) - before
		reserved := reserveHugeHeap(256 << 20)
		huge := make([]byte, 64<<20)
		touch(huge)
		asked := anonHugeKiB(t) - before - unasked
		runtime.KeepAlive(plain) // else the reservation frees it, and huge reuses its pages
		fmt.Printf("RESULT %d %v %d\n", unasked, reserved, asked)
		return
	}
	enabled, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !thpOnRequest(enabled) {
		t.Skipf("transparent huge pages are not on request here (%q)", bytes.TrimSpace(enabled))
	}
	if raceEnabled {
		t.Skip("no reservation under the race detector")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAReservedHeapIsBackedByHugePages$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", "GOMEMLIMIT=off", "GODEBUG=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var unasked, asked int64
	var reserved bool
	i := bytes.Index(out, []byte("RESULT "))
	if i < 0 {
		t.Fatalf("child said no result:\n%s", out)
	}
	if _, err := fmt.Sscan(string(out[i+len("RESULT "):]), &unasked, &reserved, &asked); err != nil {
		t.Fatalf("child's result: %v\n%s", err, out)
	}
	if !reserved {
		t.Fatal("the reservation was not made")
	}
	if unasked > 4<<10 {
		t.Errorf("64 MiB allocated before the reservation took %d KiB of huge pages: the runtime asks for them itself, and the reservation is not needed", unasked)
	}
	// The block lands wherever the runtime puts it; at least half of it in whole huge pages.
	if asked < 32<<10 {
		t.Errorf("64 MiB allocated after the reservation took %d KiB of huge pages, want at least 32 MiB", asked)
	}
}

func TestRunsJoinPiecesThatFollowOneAnother(t *testing.T) {
	block := make([]byte, 64)
	pieces := [][]byte{block[32:48], block[:16], block[16:32], block[56:64]} // out of order, a gap before the last
	got := runs(pieces)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(block)))
	want := []span{{base, 48}, {base + 56, 8}}
	if !slices.Equal(got, want) {
		t.Errorf("runs %v, want %v", got, want)
	}
}

// TestNoReservationUnderACapOnAddressSpace: a reservation the runtime cannot map is fatal,
// so under ulimit -v none is made, and the process lives.
func TestNoReservationUnderACapOnAddressSpace(t *testing.T) {
	if os.Getenv(childEnv) == "capped" {
		fmt.Printf("RESULT %v\n", reserveHugeHeap(4<<30))
		return
	}
	// The child runs under a cap of 3 GiB of address space, which a shell's ulimit sets
	// before it becomes the test binary; 4 GiB asked for would be fatal.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no shell")
	}
	cmd := exec.Command(sh, "-c", `ulimit -v 3145728 && exec "$0" -test.run='^TestNoReservationUnderACapOnAddressSpace$' -test.count=1`, os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=capped", "GOMEMLIMIT=off", "GODEBUG=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child under ulimit -v: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("RESULT false")) {
		t.Fatalf("a reservation was made under a cap on address space:\n%s", out)
	}
}
