package google

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"time"
	"weak"

	"cloud.google.com/go/auth"
	"google.golang.org/api/googleapi"
	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

// readFields is the one read's field mask: every tab's id, title, grid and markers (so the
// write knows what exists), and typed values with their number format type (so a date
// serial is told from a number). No ranges: a range naming a missing tab fails the call,
// and tabs no range touches are dropped (GOOGLE.md).
const readFields = "properties.timeZone," +
	"sheets(properties(sheetId,title,gridProperties(rowCount,columnCount,frozenRowCount,frozenColumnCount))," +
	"developerMetadata(metadataKey,metadataValue)," +
	"protectedRanges(protectedRangeId,warningOnly)," +
	"charts(chartId)," +
	"data(startRow,startColumn,rowData(values(effectiveValue,effectiveFormat/numberFormat/type))))"

// tabLayout is what Write needs to know about a tab that exists.
type tabLayout struct {
	id          int64
	title       string
	rows, cols  int64
	frozenRows  int64
	frozenCols  int64
	managed     bool
	warningOnly bool    // already carries a warning-only protection
	charts      []int64 // ids of charts on the tab
}

// layout is the spreadsheet's tabs as one Read saw them.
type layout struct {
	tabs []tabLayout
}

// find looks a tab up by title; Google Sheets treats titles case-insensitively.
func (l *layout) find(title string) (tabLayout, bool) {
	for _, t := range l.tabs {
		if t.title == title {
			return t, true
		}
	}
	for _, t := range l.tabs {
		if strings.EqualFold(t.title, title) {
			return t, true
		}
	}
	return tabLayout{}, false
}

func (l *layout) idTaken(id int64) bool {
	for _, t := range l.tabs {
		if t.id == id {
			return true
		}
	}
	return false
}

// get runs the one spreadsheets.get of a sync with the given field mask.
func (s *Sheet) get(ctx context.Context, fields string) (*sheetsapi.Spreadsheet, error) {
	return s.getRanges(ctx, nil, fields)
}

// getRanges is a spreadsheets.get of some ranges of tabs known to exist (every tab when
// ranges is empty).
func (s *Sheet) getRanges(ctx context.Context, ranges []string, fields string) (*sheetsapi.Spreadsheet, error) {
	ss, _, err := call(ctx, s, "get", func(ctx context.Context) (*sheetsapi.Spreadsheet, int, error) {
		r, err := s.srv.Spreadsheets.Get(s.id).Ranges(ranges...).Fields(googleapi.Field(fields)).Context(ctx).Do()
		if err != nil {
			return nil, 0, err
		}
		return r, r.HTTPStatusCode, nil
	})
	if err != nil {
		return nil, s.explain("read", err)
	}
	return ss, nil
}

// Read fetches every tab's layout and the named tabs' typed values in one API call, decoded
// as the answer streams in (stream.go); the other tabs' values are skipped unread.
func (s *Sheet) Read(ctx context.Context, names []string) (*sheets.Snapshot, error) {
	snap, _, _, err := s.ReadKnown(ctx, names, nil)
	return snap, err
}

// ReadKnown is Read, also returning the hash of each named tab's grid data as the answer
// spelt it (sums). A tab in known whose data hashes to known[tab] is not parsed when every
// tab in known that is there does: those tabs are listed in same and absent from Tables.
// When one is not as known, every tab is parsed and same is empty. A sync passes the sums of
// the input tabs it last read in full, so an unchanged read skips parsing them (sections.go).
func (s *Sheet) ReadKnown(ctx context.Context, names []string, known map[string]string) (snap *sheets.Snapshot, sums map[string]string, same []string, err error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	rd, err := s.getStreamed(ctx, readFields, func(title string) bool { return want[title] }, known)
	if err != nil {
		return nil, nil, nil, err
	}
	snap = &sheets.Snapshot{Tables: map[string]*sheets.Table{}, Location: s.location(rd.timeZone)}
	for _, t := range rd.lay.tabs {
		snap.Tabs = append(snap.Tabs, sheets.TabInfo{Name: t.title, Managed: t.managed})
		if rows, ok := rd.tables[t.title]; ok {
			snap.Tables[t.title] = &sheets.Table{Name: t.title, Rows: rows}
		}
	}
	s.remember(snap, rd.lay)
	s.log.Debug().Int("tabs", len(snap.Tabs)).Int("tables", len(snap.Tables)).Int("unchanged", len(rd.same)).Msg("read spreadsheet")
	return snap, rd.sums, rd.same, nil
}

// layoutOf extracts each tab's layout, in the spreadsheet's order.
func layoutOf(ss *sheetsapi.Spreadsheet) *layout {
	lay := &layout{}
	for _, sh := range ss.Sheets {
		t := tabLayout{}
		if p := sh.Properties; p != nil {
			t.id, t.title = p.SheetId, p.Title
			if g := p.GridProperties; g != nil {
				t.rows, t.cols, t.frozenRows, t.frozenCols = g.RowCount, g.ColumnCount, g.FrozenRowCount, g.FrozenColumnCount
			}
		}
		for _, m := range sh.DeveloperMetadata {
			if m.MetadataKey == MarkerKey {
				t.managed = true
			}
		}
		for _, p := range sh.ProtectedRanges {
			if p.WarningOnly {
				t.warningOnly = true
			}
		}
		for _, c := range sh.Charts {
			t.charts = append(t.charts, c.ChartId)
		}
		lay.tabs = append(lay.tabs, t)
	}
	return lay
}

// remember keeps the layout for the Write that follows this Read. The entry lives exactly
// as long as the snapshot: it is keyed by a weak pointer and dropped when the snapshot is
// collected, so a long-running service does not accumulate them.
func (s *Sheet) remember(snap *sheets.Snapshot, lay *layout) {
	key := weak.Make(snap)
	s.mu.Lock()
	s.reads[key] = lay
	s.mu.Unlock()
	runtime.AddCleanup(snap, func(k weak.Pointer[sheets.Snapshot]) {
		s.mu.Lock()
		delete(s.reads, k)
		s.mu.Unlock()
	}, key)
}

// recall finds the layout a Read stored for snap.
func (s *Sheet) recall(snap *sheets.Snapshot) (*layout, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lay, ok := s.reads[weak.Make(snap)]
	return lay, ok
}

// location loads the spreadsheet's time zone, falling back to UTC with a warning.
func (s *Sheet) location(name string) *time.Location {
	if name == "" {
		s.log.Warn().Msg("spreadsheet has no time zone; using UTC (set timezone in config to override)")
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		s.log.Warn().Str("timezone", name).Err(err).
			Msg("unknown spreadsheet time zone; using UTC (set timezone in config to override)")
		return time.UTC
	}
	return loc
}

// effectiveCell is the one rule for a cell's effective value, whichever decoder found its
// parts: a number formatted as a date or date-time is a date (a serial in the spreadsheet's
// own zone, taken as wall clock), and a formula error (#REF!, #N/A...) reads as its text so
// it becomes a data issue.
func effectiveCell(str *string, b *bool, num *float64, errType *string, format string) sheets.Cell {
	switch {
	case str != nil:
		return sheets.TextCell(*str)
	case b != nil:
		return sheets.BoolCell(*b)
	case num != nil:
		if format == "DATE" || format == "DATE_TIME" {
			return sheets.Cell{Kind: sheets.Date, Num: *num}
		}
		return sheets.NumberCell(*num)
	case errType != nil:
		return sheets.TextCell(errorText(*errType))
	}
	return sheets.Cell{}
}

// errorText renders an API error type as the spreadsheet shows it.
func errorText(t string) string {
	switch t {
	case "NULL_VALUE":
		return "#NULL!"
	case "DIVIDE_BY_ZERO":
		return "#DIV/0!"
	case "VALUE":
		return "#VALUE!"
	case "REF":
		return "#REF!"
	case "NAME":
		return "#NAME?"
	case "NUM":
		return "#NUM!"
	case "N_A":
		return "#N/A"
	case "LOADING":
		return "#LOADING"
	}
	return "#ERROR!"
}

// explain turns an API failure into a message that says what to fix.
func (s *Sheet) explain(op string, err error) error {
	var ae *auth.Error
	if errors.As(err, &ae) {
		if ae.Temporary() {
			return fmt.Errorf("%s %s: Google's token service kept failing, so no access token could be had; "+
				"the next sync tries again: %w", op, s.Describe(), err)
		}
		return fmt.Errorf("%s %s: Google's token service refused the service-account key%s: it may have been deleted "+
			"or disabled, or this machine's clock is wrong: create a new key and set it in source.credentials_file or "+
			"PARTNERMAP_SOURCE_CREDENTIALS_JSON: %w", op, s.Describe(), s.accountSuffix(), err)
	}
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return fmt.Errorf("%s %s: %w", op, s.Describe(), err)
	}
	switch ge.Code {
	case http.StatusForbidden:
		msg := strings.ToLower(ge.Message)
		if strings.Contains(msg, "has not been used") || strings.Contains(msg, "is disabled") {
			return fmt.Errorf("%s %s: the Google Sheets API is not enabled for the service account's "+
				"Google Cloud project: enable it in the Cloud console: %w", op, s.Describe(), err)
		}
		return fmt.Errorf("%s %s: access denied: %s: %w", op, s.Describe(), s.shareHint(), err)
	case http.StatusNotFound:
		return fmt.Errorf("%s %s: spreadsheet not found: check source.spreadsheet_id (the id between /d/ "+
			"and /edit in the sheet's URL), and %s: %w", op, s.Describe(), s.shareHint(), err)
	case http.StatusUnauthorized:
		return fmt.Errorf("%s %s: the credentials were rejected: check source.credentials_file or "+
			"PARTNERMAP_SOURCE_CREDENTIALS_JSON (a current service-account key%s): %w", op, s.Describe(), s.accountSuffix(), err)
	case http.StatusTooManyRequests:
		return fmt.Errorf("%s %s: over the Sheets API quota until the deadline: sync less often or spread "+
			"sheets over more service accounts: %w", op, s.Describe(), err)
	}
	return fmt.Errorf("%s %s: %w", op, s.Describe(), err)
}

// accountSuffix names the service account in a message, when known.
func (s *Sheet) accountSuffix() string {
	if s.account == "" {
		return ""
	}
	return " of " + s.account
}
