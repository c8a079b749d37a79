package workload

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sheets"
)

// digest hashes every header and cell of tabs, so a change to what a seed generates shows.
func digest(tabs []sheets.InputTab) string {
	h := sha256.New()
	for _, t := range tabs {
		fmt.Fprintf(h, "tab %q %q %q %v\n", t.Name, t.Header, t.Notes, t.Widths)
		for _, row := range t.Rows {
			for _, c := range row {
				var when time.Time // what a cell that is not a Date hashed when Cell had a Time field
				if c.Kind == sheets.Date {
					when = c.Time()
				}
				fmt.Fprintf(h, "%d|%q|%v|%s|%v;", c.Kind, c.Text, c.Num, when.Format("2006-01-02T15:04:05"), c.Bool)
			}
			fmt.Fprintln(h)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestGeneratedContentIsPinned holds what a seed generates to what it generated when the
// benchmark figures in BENCHMARKS.md were measured: a change to the generator that alters
// the rows would make new figures incomparable with the old ones.
func TestGeneratedContentIsPinned(t *testing.T) {
	typos := DefaultMess()
	typos.Typos = 0.02
	cases := []struct {
		name string
		size Size
		mess Mess
		seed uint64
		want string
	}{
		{"1k partners, default mess, seed 1", SizeOf(1000), DefaultMess(), 1, "73b9ea126e9a3147ce7f238d12ffcd6f41a05a8c089035f5820202a1b3a1443f"},
		{"2k partners, 2% typos, seed 7", SizeOf(2000), typos, 7, "0d43837bde7f651be4c94de1428973e888a0a9d2a6e451d985df0f672c23b241"},
		{"300 partners, tidy, seed 3", SizeOf(300), Mess{}, 3, "cddfd23c76a6ccd983167393ba7c6046a5b7c18b26c5441e6890f25264748d2b"},
	}
	for _, c := range cases {
		got := digest(Tabs(config.Default().Tabs, c.size, asOf, c.mess, c.seed))
		if got != c.want {
			t.Errorf("%s: digest %s, want %s", c.name, got, c.want)
		}
	}
}
