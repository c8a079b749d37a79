package sheets

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
	"unsafe"
)

// A read holds every input cell at once (12 million at 100k partners): each byte of Cell
// is 12 MB of peak there.
func TestCellIs32Bytes(t *testing.T) {
	if got := unsafe.Sizeof(Cell{}); got != 32 {
		t.Errorf("sheets.Cell is %d bytes, want 32", got)
	}
}

// The serials of the days the parsers and decode accept: xlsx reads serials 0..2958465
// (9999-12-31), a workbook's t="d" cells any ISO date from year 0, Google Sheets negative ones.
var (
	firstDay = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDay  = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

func TestDateCellTimeKnownSerials(t *testing.T) {
	for _, tc := range []struct {
		when   time.Time
		serial float64
	}{
		{time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC), 0},
		{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), 2},
		{time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), 61},
		{time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC), 1462}, // day 0 of a 1904 workbook
		{time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), 46349},
		{time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC), 46349.75},
		{time.Date(1899, 12, 29, 18, 0, 0, 0, time.UTC), -0.25}, // a negative serial's fraction counts forward
		{time.Date(1800, 1, 1, 12, 0, 0, 0, time.UTC), -36522 + 0.5},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), 2958465}, // past 2192, where time.Duration saturates
	} {
		c := DateCell(tc.when)
		if c.Kind != Date || c.Num != tc.serial {
			t.Errorf("DateCell(%v) = %+v, want serial %v", tc.when, c, tc.serial)
		}
		if got := c.Time(); !got.Equal(tc.when) || got.Location() != time.UTC {
			t.Errorf("DateCell(%v).Time() = %v", tc.when, got)
		}
		if got := (Cell{Kind: Date, Num: tc.serial}).Time(); !got.Equal(tc.when) {
			t.Errorf("serial %v reads as %v, want %v", tc.serial, got, tc.when)
		}
	}
}

func TestDateCellDropsTheZone(t *testing.T) {
	east := time.FixedZone("UTC+5", 5*3600)
	c := DateCell(time.Date(2026, 11, 23, 23, 30, 0, 0, east))
	if want := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC); !c.Time().Equal(want) {
		t.Errorf("Time() = %v, want the wall clock %v", c.Time(), want)
	}
	if got := c.String(); got != "2026-11-23 23:30" {
		t.Errorf("String() = %q", got)
	}
}

func TestDateCellTimeRoundsToTheSecond(t *testing.T) {
	// 8:00 is 1/3 of a day, which no float64 holds exactly.
	c := Cell{Kind: Date, Num: 46349 + 1.0/3}
	if want := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC); !c.Time().Equal(want) {
		t.Errorf("Time() = %v, want %v", c.Time(), want)
	}
	// Half a second before midnight is the next day.
	c = Cell{Kind: Date, Num: 46349 + (86400-0.4)/86400}
	if want := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC); !c.Time().Equal(want) {
		t.Errorf("Time() = %v, want %v", c.Time(), want)
	}
	if got := DateCell(time.Date(2026, 11, 23, 9, 30, 0, 400_000_000, time.UTC)).Time(); got.Nanosecond() != 0 || got.Second() != 0 {
		t.Errorf("Time() = %v, want 09:30:00 exactly", got)
	}
}

// checkRoundTrip fails unless the whole-second wall-clock time w survives DateCell and Time,
// and a day date's serial is the whole number of days since 1899-12-30.
func checkRoundTrip(t *testing.T, w time.Time) {
	t.Helper()
	c := DateCell(w)
	if got := c.Time(); !got.Equal(w) {
		t.Fatalf("DateCell(%v).Time() = %v (serial %v)", w, got, c.Num)
	}
	if w.Hour() == 0 && w.Minute() == 0 && w.Second() == 0 {
		epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Unix()
		if want := float64((w.Unix() - epoch) / 86400); c.Num != want {
			t.Fatalf("DateCell(%v) serial %v, want %v", w, c.Num, want)
		}
	}
}

func TestDateCellTimeRoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 32))
	lo, hi := firstDay.Unix(), lastDay.Unix()+86399
	days := (hi - lo + 1) / 86400
	for range 200_000 {
		day := time.Unix(lo+r.Int64N(days)*86400, 0).UTC()
		checkRoundTrip(t, day)
		checkRoundTrip(t, day.Add(time.Duration(r.Int64N(86400))*time.Second))
	}
	for _, w := range []time.Time{firstDay, lastDay.Add(86399 * time.Second), time.Date(1899, 12, 29, 23, 59, 59, 0, time.UTC), time.Date(2192, 4, 11, 23, 47, 16, 0, time.UTC)} {
		checkRoundTrip(t, w)
	}
}

// FuzzDateCellTime round-trips any whole second from year 0 to 9999, and reads any serial
// the parsers could hand over to the same second a second time.
func FuzzDateCellTime(f *testing.F) {
	f.Add(int64(0), 46349.75)
	f.Add(int64(-1), -0.25)
	f.Add(int64(253402300799), 2958465.999994)
	f.Fuzz(func(t *testing.T, unix int64, serial float64) {
		lo, hi := firstDay.Unix(), lastDay.Unix()+86399
		if unix >= lo && unix <= hi {
			checkRoundTrip(t, time.Unix(unix, 0).UTC())
		}
		if serial >= -693959 && serial <= 2958466 { // year 0 .. 9999
			w := Cell{Kind: Date, Num: serial}.Time()
			if again := DateCell(w); !again.Time().Equal(w) || math.Abs(again.Num-serial) > 0.5/86400+1e-9 {
				t.Fatalf("serial %v reads as %v, which writes as %v", serial, w, again.Num)
			}
		}
	})
}
