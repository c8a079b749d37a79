// Package sheets is the spreadsheet port: typed tables in, managed tabs out.
//
// The rest of partnermap sees a spreadsheet only through these types. Each backend
// (sheets/xlsx for a local workbook, sheets/google for a Google Sheet) is an adapter
// that implements Source. Input tabs belong to volunteers and are only ever read;
// output tabs belong to partnermap, carry a marker, and are replaced whole.
package sheets

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Kind says what a cell holds.
type Kind uint8

// The cell kinds a backend can report.
const (
	Blank Kind = iota
	Text
	Number
	Date
	Bool
)

// Cell is one typed value. Only the field that matches Kind is meaningful.
//
// A read holds every cell of the input tabs (12 million at 100k partners), so a cell is
// kept to 32 bytes: Bool sits beside Kind in one word, and a Date keeps only its serial in
// Num (its time.Time, 24 bytes more a cell, is computed by Time when asked for).
type Cell struct {
	Kind Kind
	Bool bool    // Kind == Bool
	Text string  // Kind == Text
	Num  float64 // Kind == Number, or the spreadsheet serial of a Date
}

// TextCell returns a cell holding s literally; it is never parsed as a formula.
func TextCell(s string) Cell {
	if s == "" {
		return Cell{}
	}
	return Cell{Kind: Text, Text: s}
}

// NumberCell returns a numeric cell.
func NumberCell(f float64) Cell { return Cell{Kind: Number, Num: f} }

// IntCell returns a numeric cell holding a whole number.
func IntCell(n int) Cell { return Cell{Kind: Number, Num: float64(n)} }

// BoolCell returns a boolean cell.
func BoolCell(b bool) Cell { return Cell{Kind: Bool, Bool: b} }

// DateCell returns a date cell for the calendar day or date-time t (read as wall clock, zone ignored).
func DateCell(t time.Time) Cell {
	return Cell{Kind: Date, Num: Serial(t)}
}

// Time is a Date cell's wall-clock date and time of day in UTC (no zone conversion), to
// the nearest second: FromSerial of its serial. A serial cannot carry more than that
// faithfully everywhere (8:00 is 0.3333…, and near 9999 a float64 day holds about 40 µs),
// nothing partnermap shows is finer than a minute, and rounding lands a serial whose last
// bits were lost on the time that was typed.
func (c Cell) Time() time.Time { return FromSerial(c.Num) }

// IsBlank reports whether the cell is empty or holds only an empty string.
func (c Cell) IsBlank() bool { return c.Kind == Blank || (c.Kind == Text && c.Text == "") }

// String renders the cell as a person would type it; used in messages and for hashing.
func (c Cell) String() string {
	switch c.Kind {
	case Text:
		return c.Text
	case Number:
		return strconv.FormatFloat(c.Num, 'f', -1, 64)
	case Date:
		t := c.Time()
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return t.Format("2006-01-02")
		}
		return t.Format("2006-01-02 15:04")
	case Bool:
		if c.Bool {
			return "TRUE"
		}
		return "FALSE"
	}
	return ""
}

// serialEpoch is day 0 of spreadsheet date serials, as Google Sheets counts them and Excel's
// 1900 system does from March 1900 on. (Excel also counts a 29 February 1900 that never was,
// so its serials 1–60 name a day one later than these; partnermap has always read them by
// this one count, and nothing it tracks is dated in early 1900.) sheets/xlsx shifts a 1904
// workbook's serials onto this count when it reads and back when it writes.
var serialEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serialEpochUnix is serialEpoch in Unix seconds.
var serialEpochUnix = serialEpoch.Unix()

// Serial converts a wall-clock time to a spreadsheet date serial (days since 1899-12-30).
func Serial(t time.Time) float64 {
	wall := wallClock(t)
	if d := wall.Sub(serialEpoch); d != math.MaxInt64 && d != math.MinInt64 {
		return d.Hours() / 24
	}
	// Sub saturates beyond 292 years from 1899 (before 1607, after 2192): count seconds.
	return float64(wall.Unix()-serialEpochUnix)/86400 + float64(wall.Nanosecond())/86400e9
}

// wallClock is t's date and time of day read in UTC, its zone dropped.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// FromSerial converts a spreadsheet date serial to a wall-clock time in UTC, to the nearest
// second. A negative serial (before 1899-12-30) counts its fraction forward from the day
// before, as spreadsheets do: -0.25 is 1899-12-29 18:00.
func FromSerial(serial float64) time.Time {
	days := math.Floor(serial)
	secs := int64(days)*86400 + int64(math.Floor((serial-days)*86400+0.5))
	return time.Unix(serialEpochUnix+secs, 0).UTC()
}

// Table is one tab as read. Rows[0] is the header row, so Rows[i] is the sheet's row i+1.
// Rows may be ragged: trailing blank cells can be missing.
type Table struct {
	Name string
	Rows [][]Cell
}

// TabInfo describes a tab that exists in the spreadsheet.
type TabInfo struct {
	Name    string
	Managed bool // carries partnermap's marker
}

// Snapshot is everything one read returns.
type Snapshot struct {
	// Tables holds the requested tabs that exist, by exact tab name.
	Tables map[string]*Table
	// Tabs lists every tab in the spreadsheet, in order, with its marker state.
	Tabs []TabInfo
	// Location is the spreadsheet's own time zone, or nil when the backend has none (xlsx).
	Location *time.Location
	// Version identifies the state that was read; Write refuses to replace a spreadsheet
	// that changed since (xlsx: size, mtime and content hash). Empty when the backend has none.
	Version string
}

// Tab finds a tab by exact name.
func (s *Snapshot) Tab(name string) (TabInfo, bool) {
	for _, t := range s.Tabs {
		if t.Name == name {
			return t, true
		}
	}
	return TabInfo{}, false
}

// Tab is one output tab to write: a grid of cells laid out from A1, plus presentation hints
// that each backend renders as well as it can.
//
// Every tab prints landscape, one page wide and as many pages tall as it needs, with its
// FrozenRows (the legend and header) repeated at the top of each page, where the backend
// has print settings: xlsx does; the Google Sheets API has none, and Google Sheets repeats
// frozen rows on every printed page by itself.
type Tab struct {
	Name string
	// Rows is the whole grid: Rows[0] is sheet row 1.
	Rows [][]Cell
	// FrozenRows are kept in view when scrolling (the legend and header rows).
	FrozenRows int
	// BoldRows are row indexes (0-based) shown in bold: headers and section titles.
	BoldRows []int
	// Widths are column widths in characters; 0 or missing means the backend's default.
	Widths []float64
	// Highlights colour single cells (overdue days, quadrants, rings).
	Highlights []Highlight
	// Chart is an optional chart placed beside the grid.
	Chart *Chart
	// Charts are further charts, each at its own anchor: a tab of several blocks (one per
	// campaign) places one beside each. AllCharts lists Chart and these together.
	Charts []Chart
	// HiddenCols are columns (0-based) hidden from view: helper cells a chart reads.
	HiddenCols []int
	// Rules colour cells by a condition the spreadsheet program re-checks every day it is
	// opened, so "overdue" stays true between syncs; backends without them show Highlights only.
	Rules []Rule
	// Legend says Rows[0] is the tab's legend, one long text in its first cell: a backend
	// that can spreads it over the width of the tab's other rows, wrapped, so it shows and
	// prints whole instead of running past the last column.
	Legend bool
	// WrapCols are columns (0-based) of long text that wraps within the column's width, the
	// row growing taller, so the whole text shows and a printed page stays readable.
	WrapCols []int
}

// AllCharts lists the tab's charts in order: Chart first, then Charts. A backend draws
// each, and keeps a chart's identity by its position in this list.
func (t Tab) AllCharts() []*Chart {
	var out []*Chart
	if t.Chart != nil {
		out = append(out, t.Chart)
	}
	for i := range t.Charts {
		out = append(out, &t.Charts[i])
	}
	return out
}

// Condition is when a Rule colours a cell, judged against the day the spreadsheet is viewed.
type Condition string

// Conditions of Rule.When.
const (
	// DateBeforeToday holds for a date earlier than today: overdue.
	DateBeforeToday Condition = "date before today"
	// DateWithinDays holds for a date from today to Rule.Days days ahead: due soon.
	DateWithinDays Condition = "date within days"
	// NumberAboveZero holds for a number greater than zero: days overdue.
	NumberAboveZero Condition = "number above zero"
)

// Rule is a conditional format: cells of column Col in rows FirstRow..LastRow (0-based,
// inclusive) take Tone's fill while When holds. Blank cells never match.
type Rule struct {
	Col, FirstRow, LastRow int
	When                   Condition
	Days                   int // for DateWithinDays
	Tone                   Tone
}

// Formula is the rule as a formula (without the leading "=") written for the rule's first
// cell and relative to it, which Excel, LibreOffice and Google Sheets all evaluate alike.
// It is "" for an unknown condition.
func (r Rule) Formula() string {
	ref := ColumnName(r.Col) + strconv.Itoa(r.FirstRow+1)
	switch r.When {
	case DateBeforeToday:
		return fmt.Sprintf("AND(ISNUMBER(%s),%s<TODAY())", ref, ref)
	case DateWithinDays:
		return fmt.Sprintf("AND(ISNUMBER(%s),%s>=TODAY(),%s<=TODAY()+%d)", ref, ref, ref, r.Days)
	case NumberAboveZero:
		return fmt.Sprintf("AND(ISNUMBER(%s),%s>0)", ref, ref)
	}
	return ""
}

// ColumnName is the A1 name of column col (0-based): 0 is "A", 26 is "AA".
func ColumnName(col int) string {
	name := ""
	for col++; col > 0; col = (col - 1) / 26 {
		name = string(rune('A'+(col-1)%26)) + name
	}
	return name
}

// Tone is a highlight colour with a meaning; backends map it to a fill colour.
type Tone string

// Tones used across output tabs so one meaning has one colour everywhere.
const (
	ToneAlert Tone = "alert" // overdue, errors: red
	ToneWarn  Tone = "warn"  // due soon, warnings: amber
	ToneGood  Tone = "good"  // supportive, high priority: green
	ToneInfo  Tone = "info"  // neutral emphasis: blue
	ToneMuted Tone = "muted" // not yet aligned, low priority: grey
)

// Ink is the tone's strong colour, "#RRGGBB", for chart markers and lines, where a cell's
// pale fill would barely show; the same in every backend and in the power map picture.
func (t Tone) Ink() string {
	switch t {
	case ToneAlert:
		return "#C5221F"
	case ToneWarn:
		return "#E37400"
	case ToneGood:
		return "#188038"
	case ToneInfo:
		return "#1A73E8"
	}
	return "#80868B"
}

// Highlight colours the cell at (Row, Col), both 0-based.
type Highlight struct {
	Row, Col int
	Tone     Tone
}

// ChartKind is how a Chart draws its series.
type ChartKind string

// Chart kinds.
const (
	// Scatter places each point at (x, y); the default.
	Scatter ChartKind = ""
	// LineChart joins each series' values in the order of its rows, with the x column's
	// cells (dates, say) as the categories along the bottom; labels are not drawn.
	LineChart ChartKind = "line"
)

// Chart is a chart of one series per group, read from cells of the same tab: a scatter
// chart, or a line chart when Kind says so.
//
// Google Sheets plots every series of a chart against one shared x range, so a backend may
// read each series' YCol and LabelCol over the rows of all series together (the first
// FirstRow to the last LastRow): keep the cells of YCol outside the series' own rows blank,
// and give every series the same XCol. The row just above those rows is a header row that
// holds each series' Name in its YCol; backends name series by reference to it.
type Chart struct {
	Kind           ChartKind
	Title          string
	XTitle, YTitle string
	// XMin..XMax and YMin..YMax fix the axes. A line chart has no x range, and a y range
	// with YMax ≤ YMin is left to the spreadsheet program (from YMin up).
	XMin, XMax float64
	YMin, YMax float64
	// Series are ranges of the tab's own grid (0-based, inclusive rows).
	Series []Series
	// Anchor is the top-left cell (0-based) where the chart is placed.
	AnchorRow, AnchorCol int
}

// Series is one set of points: X and Y values in columns XCol and YCol, labels in LabelCol,
// over rows FirstRow..LastRow of the tab.
type Series struct {
	Name                 string
	XCol, YCol, LabelCol int
	FirstRow, LastRow    int
	Tone                 Tone
	// Line draws the points as a thin line with no markers and no labels (a quadrant
	// divider); LabelCol is then ignored.
	Line bool
}

// Source is a spreadsheet partnermap syncs: read the named input tabs in one go, then
// replace managed output tabs in one all-or-nothing write.
type Source interface {
	// Read returns the named tabs that exist (missing ones are simply absent from
	// Snapshot.Tables) and the list of every tab with its marker state. The snapshot is
	// the caller's: it may change the tables (sync.Run clears rows once decoded).
	Read(ctx context.Context, tabs []string) (*Snapshot, error)
	// Write replaces each tab in tabs, creating it with a marker if it does not exist.
	// It must refuse, with *UnmanagedTabError and without writing anything, when a tab of
	// that name exists without a marker and is not listed in adopt. It must not touch any
	// other tab, and a failed write must leave the previous outputs whole.
	Write(ctx context.Context, snap *Snapshot, tabs []Tab, adopt []string) error
	// Describe names the source for logs and messages (a path or a spreadsheet id).
	Describe() string
}

// WriteChecker is implemented by sources that can try what a write will need (permission
// to replace the file, room for its temporary copy) without changing anything, so that
// `partnermap check` finds what would make a sync fail.
type WriteChecker interface {
	CheckWrite(ctx context.Context) error
}

// UnmanagedTabError reports an output tab name that is taken by a tab partnermap did not create.
type UnmanagedTabError struct {
	Tab string
}

func (e *UnmanagedTabError) Error() string {
	return fmt.Sprintf("tab %q exists but was not created by partnermap, so it was not overwritten: "+
		"rename or delete that tab, choose another name for this output in config (outputs.*), "+
		"or let partnermap take it over with --adopt %q", e.Tab, e.Tab)
}

// ErrChanged means the spreadsheet changed (or is open for editing) between read and write;
// the run is skipped and retried later so a volunteer's newer edit is never overwritten.
var ErrChanged = errors.New("spreadsheet changed or is being edited since it was read")

// ErrBusy means a lock file of a spreadsheet program says a person has the workbook open.
var ErrBusy = errors.New("workbook is open in a spreadsheet program")

// The example rows `partnermap init` puts in new input tabs are marked, so that a sync
// never takes them for the group's own (decode leaves them out and says so): a partner,
// asset or meeting named with ExamplePrefix, and a member called ExampleMember.
const (
	ExamplePrefix = "Example: "
	ExampleMember = "Your name"
)

// InputTab is a volunteer tab that `partnermap init` creates when it is missing: a header,
// a note per column saying what it holds, dropdown lists, and example rows.
type InputTab struct {
	Name        string
	Header      []string
	Notes       []string // one per header column; "" for none
	Validations []Validation
	Rows        [][]Cell // example or demo rows below the header
	Widths      []float64
}

// Validation is a dropdown list of allowed values for one column (0-based), below the header.
type Validation struct {
	Col    int
	Values []string
	// ListTab, when set, lists instead the values of column ListCol (0-based) of that tab
	// below its header, so the list grows as rows are added there: the partners' names, the
	// campaigns'. ListHeader is that column's header in the templates; a caller that has
	// read the tab's header row finds the column with ListColumn.
	ListTab, ListHeader string
	ListCol             int
}

// ListRange is the A1 range a ListTab dropdown reads: the list column from row 2 down to
// row last, with the tab name quoted, e.g. 'Partners'!$A$2:$A$5000.
func (v Validation) ListRange(last int) string {
	col := ColumnName(max(v.ListCol, 0))
	return fmt.Sprintf("'%s'!$%s$2:$%s$%d", strings.ReplaceAll(v.ListTab, "'", "''"), col, col, last)
}

// ListColumn finds v.ListHeader in header (ListTab's row 1, matched as OnHeader matches)
// and points v there; v is unchanged when the header has no such column.
func (v Validation) ListColumn(header []string) Validation {
	want := headerKey(v.ListHeader)
	for i, h := range header {
		if want != "" && headerKey(h) == want {
			v.ListCol = i
			break
		}
	}
	return v
}

// Initializer is implemented by sources that can add missing input tabs. It must never
// touch a tab that already exists; it creates the spreadsheet if the backend allows and
// it does not exist yet, and returns the names of the tabs it added.
type Initializer interface {
	AddInputTabs(ctx context.Context, tabs []InputTab) ([]string, error)
}

// ValidationAdder is implemented by sources that can add the dropdown lists and header
// notes of InputTabs to input tabs that already exist (`partnermap init --add-validation`).
// Each tab is laid onto the existing tab's header row with OnHeader. It must change no cell
// value: it only sets the dropdowns of the matched columns below the header and the notes
// of matched header cells that have none. Tabs that do not exist, and tabs partnermap
// manages, are left alone. It returns the names of the tabs it changed.
type ValidationAdder interface {
	AddValidation(ctx context.Context, tabs []InputTab) ([]string, error)
}

// OnHeader lays t's notes and dropdowns onto an existing tab whose row 1 is header: each of
// t's columns goes to the column with the same header, compared by letters and digits
// regardless of case (a volunteer may have moved, renamed the case of, or added columns).
// Columns of t that header lacks are dropped. The result has header as its Header, a note
// slot per header column, and no rows or widths: it describes help to add, not cells.
func (t InputTab) OnHeader(header []string) InputTab {
	at := make(map[string]int, len(header))
	for i, h := range header {
		k := headerKey(h)
		if _, dup := at[k]; k != "" && !dup {
			at[k] = i // the first of two same headers is the one a read uses
		}
	}
	out := InputTab{Name: t.Name, Header: header, Notes: make([]string, len(header))}
	col := func(i int) int {
		if i < 0 || i >= len(t.Header) {
			return -1
		}
		if j, ok := at[headerKey(t.Header[i])]; ok {
			return j
		}
		return -1
	}
	for i, note := range t.Notes {
		if j := col(i); j >= 0 {
			out.Notes[j] = note
		}
	}
	for _, v := range t.Validations {
		if j := col(v.Col); j >= 0 {
			v.Col = j
			out.Validations = append(out.Validations, v)
		}
	}
	return out
}

// headerKey folds a header for matching: lowercase letters and digits only.
func headerKey(s string) string {
	b := make([]rune, 0, len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b = append(b, unicode.ToLower(r))
		}
	}
	return string(b)
}
