package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/xlsx"
	"github.com/partnermap/partnermap/sync"
)

// libraryOptions opens a workbook the way the xlsx backend does: every part in memory
// (excelize's default spills worksheets over 16 MiB to temporary files), up to 1 GiB.
func libraryOptions() excelize.Options {
	return excelize.Options{RawCellValue: true, UnzipSizeLimit: xlsx.DefaultMaxUnzippedBytes, UnzipXMLSizeLimit: xlsx.DefaultMaxUnzippedBytes}
}

// rawRead is the floor of a read: the library opens the file and streams every row of the
// four input tabs as raw strings, with no typing, no dates and no checks.
func rawRead(path string) (time.Duration, int, error) {
	tabs := config.Default().Tabs
	start := time.Now()
	f, err := excelize.OpenFile(path, libraryOptions())
	if err != nil {
		return 0, 0, fmt.Errorf("library open %s: %w", path, err)
	}
	defer f.Close()
	rowsRead := 0
	for _, name := range []string{tabs.Partners, tabs.Assets, tabs.Meetings, tabs.Members} {
		rows, err := f.Rows(name)
		if err != nil {
			return 0, 0, fmt.Errorf("library rows of %s: %w", name, err)
		}
		for rows.Next() {
			if _, err := rows.Columns(); err != nil {
				return 0, 0, fmt.Errorf("library row of %s: %w", name, err)
			}
			rowsRead++
		}
		if err := rows.Close(); err != nil {
			return 0, 0, fmt.Errorf("library close rows of %s: %w", name, err)
		}
	}
	return time.Since(start), rowsRead, nil
}

// rawWrite is the floor of a write: the library opens the same workbook, streams the
// sync's output tabs into new sheets as plain values (no styles, widths, markers or
// chart) and saves a copy, without the backend's fsync, backup and rename. The tabs come
// from a dry run of the sync, which is not timed.
func rawWrite(ctx context.Context, o options) (time.Duration, error) {
	rep, err := sync.Run(ctx, config.Default(), xlsx.New(o.path, xlsx.Options{}), sync.Options{AsOf: o.asOf, DryRun: true, Version: "bench"})
	if err != nil {
		return 0, fmt.Errorf("dry run for the output tabs: %w", err)
	}
	out := filepath.Join(filepath.Dir(o.path), "raw-write-"+filepath.Base(o.path))
	defer os.Remove(out)

	start := time.Now()
	f, err := excelize.OpenFile(o.path, libraryOptions())
	if err != nil {
		return 0, fmt.Errorf("library open %s: %w", o.path, err)
	}
	defer f.Close()
	for _, tab := range rep.Tabs {
		if err := streamTab(f, tab); err != nil {
			return 0, err
		}
	}
	if err := f.SaveAs(out); err != nil {
		return 0, fmt.Errorf("library save %s: %w", out, err)
	}
	return time.Since(start), nil
}

func streamTab(f *excelize.File, tab sheets.Tab) error {
	if _, err := f.NewSheet(tab.Name); err != nil {
		return fmt.Errorf("library new sheet %s: %w", tab.Name, err)
	}
	sw, err := f.NewStreamWriter(tab.Name)
	if err != nil {
		return fmt.Errorf("library stream %s: %w", tab.Name, err)
	}
	values := []any{}
	for i, row := range tab.Rows {
		values = values[:0]
		for _, c := range row {
			values = append(values, cellValue(c))
		}
		ref, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return fmt.Errorf("library cell name: %w", err)
		}
		if err := sw.SetRow(ref, values); err != nil {
			return fmt.Errorf("library row %d of %s: %w", i+1, tab.Name, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("library flush %s: %w", tab.Name, err)
	}
	return nil
}

func cellValue(c sheets.Cell) any {
	switch c.Kind {
	case sheets.Text:
		return c.Text
	case sheets.Number, sheets.Date:
		return c.Num
	case sheets.Bool:
		return c.Bool
	}
	return nil
}
