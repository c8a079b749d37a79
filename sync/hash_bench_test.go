package sync

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/partnermap/partnermap/internal/chunks"
	"github.com/partnermap/partnermap/sheets"
)

// TestAppendHashCellMatchesTheCellsText checks the hash bytes of each kind of cell are
// the ones fmt gave before, so a workbook synced by an earlier build is not rewritten.
func TestAppendHashCellMatchesTheCellsText(t *testing.T) {
	cases := []struct {
		name string
		cell sheets.Cell
	}{
		{"blank", sheets.Cell{}},
		{"text", sheets.TextCell("Eastside Tenants Union")},
		{"text with a unit separator", sheets.TextCell("a\x1fb")},
		{"whole number", sheets.IntCell(42)},
		{"decimal", sheets.NumberCell(3.25)},
		{"tiny number", sheets.NumberCell(1e-9)},
		{"huge number", sheets.NumberCell(1e21)},
		{"negative zero", sheets.NumberCell(math.Copysign(0, -1))},
		{"date", sheets.DateCell(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))},
		{"date and time", sheets.DateCell(time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC))},
		{"true", sheets.BoolCell(true)},
		{"false", sheets.BoolCell(false)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := fmt.Sprintf("%d:%s\x1f", c.cell.Kind, c.cell.String())
			if got := string(appendHashCell([]byte("prefix"), c.cell)); got != "prefix"+want {
				t.Fatalf("got %q, want %q", got, "prefix"+want)
			}
		})
	}
}

// BenchmarkInputHash hashes a 100k-row, 14-column Meetings tab, the size of a large
// movement's sheet.
func BenchmarkInputHash(b *testing.B) {
	rows := make([][]sheets.Cell, 100_001)
	for i := range rows {
		rows[i] = []sheets.Cell{sheets.DateCell(time.Date(2026, 1, 1+i%300, 0, 0, 0, 0, time.UTC)), sheets.TextCell(fmt.Sprintf("Partner %d", i%10_000)),
			sheets.TextCell("Maria Lopez"), sheets.TextCell("1-1"), {}, sheets.TextCell("A safer crossing"), {}, sheets.TextCell("Come to the hearing"),
			sheets.TextCell("Yes"), {}, sheets.TextCell("Send the one-pager"), sheets.NumberCell(46000), sheets.BoolCell(true), sheets.TextCell("notes")}
	}
	snap := &sheets.Snapshot{Tables: map[string]*sheets.Table{"Meetings": {Name: "Meetings", Rows: rows}}}
	cfg := testConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := inputHash(snap, []string{"Meetings"}, cfg, 0, "bench", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHashRowsIsTheHashOfEachRowInTurn holds the pieces encoded ahead to the bytes of one row
// after another, at and around the pieces' edges, so that no input hash changes.
func TestHashRowsIsTheHashOfEachRowInTurn(t *testing.T) {
	for _, n := range []int{0, 1, 4095, 4096, 4097, 3*4096 + 7, 20*4096 + 1} {
		rows := make([][]sheets.Cell, n)
		for i := range rows {
			rows[i] = []sheets.Cell{sheets.IntCell(i), sheets.TextCell(fmt.Sprintf("Partner %d", i%97)), {}, sheets.NumberCell(float64(i) / 7)}
			if i%5 == 0 {
				rows[i] = nil // an empty row is a line of its own
			}
		}
		want := sha256.New()
		for _, row := range rows {
			var line []byte
			for _, c := range row {
				line = appendHashCell(line, c)
			}
			want.Write(append(line, '\n'))
		}
		got := sha256.New()
		hashRows(got, rows, &chunks.Ahead{Per: 4096, Depth: 3})
		if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
			t.Errorf("%d rows: the hash differs from one row after another", n)
		}
	}
}
