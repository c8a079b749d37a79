package sync

import (
	"slices"
	gosync "sync"
)

// turns lets at most n syncs run at once; the others wait in line and get their turn in the
// order they came, so no sheet of a fleet waits behind sheets that became due after it.
type turns struct {
	mu      gosync.Mutex
	free    int
	waiting []chan struct{} // oldest first; closed to hand that sync its turn
}

func newTurns(n int) *turns { return &turns{free: n} }

// take waits for a turn and reports whether it got one; it gets none when stop closes first.
// queued, when not nil, is called with the number of syncs ahead once the caller is in
// line (and only if it has to wait); it runs under the line's lock, so it must be quick and
// must not call back into t.
func (t *turns) take(stop <-chan struct{}, queued func(ahead int)) bool {
	if stopped(stop) {
		return false
	}
	t.mu.Lock()
	if t.free > 0 {
		t.free--
		t.mu.Unlock()
		return true
	}
	ready := make(chan struct{})
	t.waiting = append(t.waiting, ready)
	if queued != nil {
		// Under the lock, so the calls come in the order of the line.
		queued(len(t.waiting) - 1)
	}
	t.mu.Unlock()
	select {
	case <-ready:
		if !stopped(stop) {
			return true
		}
		// Both came at once: a stopping service starts no sync.
		t.give()
		return false
	case <-stop:
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if i := slices.Index(t.waiting, ready); i >= 0 {
		t.waiting = slices.Delete(t.waiting, i, i+1)
		return false
	}
	// The turn was handed over just as we stopped: pass it on.
	t.handOn()
	return false
}

// give ends a turn: the first sync in line gets it.
func (t *turns) give() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.handOn()
}

func (t *turns) handOn() {
	if len(t.waiting) > 0 {
		close(t.waiting[0])
		t.waiting = t.waiting[1:]
		return
	}
	t.free++
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}
