package chunks

import (
	"errors"
	"sync"
	"testing"
	"time"
)

func TestEachCoversEveryItemOnceInContiguousChunks(t *testing.T) {
	for _, tc := range []struct{ n, k int }{{0, 1}, {1, 1}, {10, 3}, {7, 7}, {100, 4}, {5, 0}} {
		seen := make([]int, tc.n)
		var mu sync.Mutex
		var bounds [][2]int
		Each(tc.n, tc.k, func(c, lo, hi int) {
			mu.Lock()
			defer mu.Unlock()
			bounds = append(bounds, [2]int{lo, hi})
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, s := range seen {
			if s != 1 {
				t.Errorf("n %d k %d: item %d done %d times", tc.n, tc.k, i, s)
			}
		}
		if want := max(tc.k, 1); len(bounds) != want {
			t.Errorf("n %d k %d: %d chunks, want %d", tc.n, tc.k, len(bounds), want)
		}
	}
}

func TestCount(t *testing.T) {
	if got := Count(10, 4096); got != 1 {
		t.Errorf("10 items: %d chunks, want 1", got)
	}
	if got := Count(1<<30, 4096); got < 1 {
		t.Errorf("many items: %d chunks", got)
	}
}

func TestAheadTakesEveryPieceInOrder(t *testing.T) {
	for _, tc := range []struct{ n, per, ahead int }{{0, 4, 2}, {3, 4, 2}, {4, 4, 2}, {5, 4, 2}, {1000, 7, 3}, {1000, 1, 1}, {999, 10, 8}} {
		a := &Ahead{Per: tc.per, Depth: tc.ahead}
		for run := range 2 { // the second with the buffers of the first
			var got []byte
			err := a.Run(tc.n, func(buf []byte, lo, hi int) ([]byte, error) {
				if len(buf) != 0 {
					t.Errorf("%+v run %d: a buffer came with %d bytes in it", tc, run, len(buf))
				}
				for i := lo; i < hi; i++ {
					buf = append(buf, byte(i%251))
				}
				return buf, nil
			}, func(b []byte) error {
				got = append(got, b...)
				return nil
			})
			if err != nil {
				t.Fatalf("%+v run %d: %v", tc, run, err)
			}
			if len(got) != tc.n {
				t.Fatalf("%+v run %d: %d items taken", tc, run, len(got))
			}
			for i, b := range got {
				if b != byte(i%251) {
					t.Fatalf("%+v run %d: item %d is %d, out of order", tc, run, i, b)
				}
			}
		}
	}
}

func TestAheadStopsAtTheFirstErrorInOrder(t *testing.T) {
	bad := errors.New("bad piece")
	for _, failAt := range []int{0, 30, 990} {
		var mu sync.Mutex
		taken, encoded := 0, 0
		a := &Ahead{Per: 10, Depth: 3}
		err := a.Run(1000, func(buf []byte, lo, hi int) ([]byte, error) {
			mu.Lock()
			encoded++
			mu.Unlock()
			if lo <= failAt && failAt < hi {
				return buf, bad
			}
			return append(buf, byte(lo/10)), nil
		}, func(b []byte) error {
			if int(b[0]) != taken {
				t.Errorf("took piece %d as the %dth", b[0], taken)
			}
			taken++
			return nil
		})
		if !errors.Is(err, bad) {
			t.Fatalf("fail at %d: %v, want the piece's error", failAt, err)
		}
		if taken != failAt/10 {
			t.Errorf("fail at %d: %d pieces taken, want the %d before it", failAt, taken, failAt/10)
		}
		if encoded > failAt/10+1+3+1 {
			t.Errorf("fail at %d: %d pieces encoded: it went on well past the error", failAt, encoded)
		}
	}
	// An error of take stops it too.
	calls := 0
	err := (&Ahead{Per: 1, Depth: 2}).Run(100, func(buf []byte, lo, hi int) ([]byte, error) { return append(buf, 1), nil },
		func([]byte) error { calls++; return bad })
	if !errors.Is(err, bad) || calls != 1 {
		t.Errorf("take's error: %v after %d calls, want it after 1", err, calls)
	}
}

func TestAtMostRunsEveryJobOnceAndNoMoreAtOnce(t *testing.T) {
	for _, k := range []int{0, 1, 2, 5} {
		var mu sync.Mutex
		running, most := 0, 0
		done := make([]int, 40)
		AtMost(len(done), k, func(i int) {
			mu.Lock()
			running++
			most = max(most, running)
			done[i]++
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
		})
		for i, d := range done {
			if d != 1 {
				t.Fatalf("k %d: job %d ran %d times", k, i, d)
			}
		}
		if most > max(k, 1) {
			t.Errorf("k %d: %d jobs at once", k, most)
		}
	}
}
