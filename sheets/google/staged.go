package google

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	sheetsapi "google.golang.org/api/sheets/v4"
)

// Staged writes.
//
// The API refuses a request body over 10 MiB (GOOGLE.md), and the output tabs of a big
// coalition need more than that (19 MB at 10k partners). A write whose one batchUpdate would
// be over stageBodyBytes is therefore staged: its cells go first into hidden staging tabs,
// over as many calls as it takes, and one final batchUpdate then does everything the one-batch
// write does but copies the cells from the staging tabs with copyPaste instead of carrying
// them, and deletes the staging tabs. The visible tabs change only in that final call, which
// is all-or-nothing like any batchUpdate: a failure before it leaves the old outputs whole,
// and the staging tabs it leaves behind are deleted by the next staged write.
const (
	// stageBodyBytes is the largest body a write sends in one call: above it the write is
	// staged, and each call of a staged write stays under it, 2 MiB below the API's limit.
	stageBodyBytes = 8 << 20
	// stagingKey marks a staging tab. It also carries MarkerKey, which makes it
	// partnermap's own (the one read of a sync records only that marker) and lets the
	// lost-answer check of Write (landed) recognise it.
	stagingKey = "partnermap.staging"
	// stagingTitle begins the title of every staging tab.
	stagingTitle = "partnermap staging"
	// callSlack is room left in every staged call for what the size arithmetic rounds off
	// (a 64th of the limit when that is less, for tests' small limits).
	callSlack = 4 << 10
	// maxCells is the API's limit of cells per spreadsheet (GOOGLE.md).
	maxCells = 10_000_000
)

// errLayoutTooLarge: the final call of a staged write carries every request of the write
// but its cells, and those alone are over the limit.
var errLayoutTooLarge = errors.New("the output tabs' layout alone (sizes, widths, charts, protection) is too large " +
	"for one request")

// errRowTooLarge: a staged write splits between rows, so no row may be over the limit.
var errRowTooLarge = errors.New("the row is too large for one request")

// sizeText renders a body size for a message.
func sizeText(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// cellWrite is one updateCells of the one-batch write, whose rows a staged write moves.
type cellWrite struct {
	at   int // index of the request in the one-batch write
	req  *sheetsapi.UpdateCellsRequest
	rows rowsView
	// split: rows [0, split) go through the staging tab, the rest straight into the final call.
	split int
	stage stagingTab
}

// stagingTab is a hidden tab holding the first rows of one output tab until the final call.
type stagingTab struct {
	id         int64
	title      string
	rows, cols int64
}

// stagedPlan is every call of a staged write, the final one last.
type stagedPlan struct {
	calls   [][]*sheetsapi.Request
	staging map[string]int64 // staging tabs by title
	stale   int              // staging tabs of an earlier failed write, deleted by the first call
	cells   int64            // cells held by the staging tabs
}

// writeStaged sends a write whose one batch (reqs, body bytes long) is over limit: k calls
// fill hidden staging tabs, then one final call copies them into the output tabs and
// deletes them. created are the output tabs the final call adds, by title.
//
// Calls: no call may carry more than limit bytes, so a write of n bytes needs at least
// ceil(n / limit) calls, and ceil(n / limit) + 1 when the final call carries no cells. Here
// the final call carries the layout requests and as many of the last rows as fit beside
// them, and each staging call is filled up to the limit (less the part of a row that does
// not fit, and a few hundred bytes of staging requests), so a write takes ceil(n / limit)
// calls, or one more when rows are small beside the limit (the tests check both bounds).
func (s *Sheet) writeStaged(ctx context.Context, lay *layout, ids *idPicker, reqs []*sheetsapi.Request,
	created map[string]int64, body, limit int, rows encodedRows) error {
	plan, err := s.planStaged(lay, ids, reqs, created, limit, rows)
	if err != nil {
		return err
	}
	start := time.Now()
	for i, batch := range plan.calls {
		final := i == len(plan.calls)-1
		st, err := s.batchUpdate(ctx, batch, rows)
		if err == nil {
			continue
		}
		if st.ambiguous && refused(err) {
			// A lost answer hid a call that landed; its retry then trips over what it did
			// (tabs it added, staging tabs it deleted). The batch is atomic, so what it made
			// proves it.
			var landed bool
			var verr error
			switch {
			case final:
				landed, verr = s.landed(ctx, plan.staging, created)
			case i == 0:
				landed, verr = s.landed(ctx, nil, plan.staging)
			}
			if verr == nil && landed {
				s.log.Info().Int("call", i+1).Msg("an earlier attempt of a staged write call had landed although its answer was lost")
				continue
			}
		}
		what := fmt.Sprintf("staging call %d of %d failed; the output tabs are unchanged and the hidden staging tabs "+
			"are deleted by the next sync", i+1, len(plan.calls)-1)
		switch {
		case final && st.ambiguous:
			what = "the final call of a staged write failed; the output tabs are unchanged unless it was applied " +
				"although its answer was lost, which the next sync sees"
		case final:
			what = "the final call of a staged write failed; the output tabs are unchanged and the hidden staging tabs " +
				"are deleted by the next sync"
		}
		return s.explain("write", fmt.Errorf("%s: %w", what, err))
	}
	s.log.Info().Int("calls", len(plan.calls)).Int("bytes", body).Int("limit", limit).
		Int64("staged_cells", plan.cells).Int("stale_staging_tabs", plan.stale).Dur("took", time.Since(start)).
		Msg("wrote output tabs in a staged write: the one batch was over the request size limit")
	return nil
}

// batchUpdate sends one batch with retries; rows (may be nil) holds the rows of its cell
// writes.
func (s *Sheet) batchUpdate(ctx context.Context, reqs []*sheetsapi.Request, rows encodedRows) (attempts, error) {
	body, err := spliceBatch(reqs, rows)
	if err != nil {
		return attempts{}, fmt.Errorf("encode the batch: %w", err)
	}
	return s.postBatch(ctx, body)
}

// isStaging reports a staging tab: ours, titled as staging tabs are.
func isStaging(t tabLayout) bool {
	return t.managed && strings.HasPrefix(strings.ToLower(t.title), stagingTitle+" ")
}

// staleStaging lists the staging tabs an earlier staged write left when it failed; outputs
// are the sheet ids being written, never stale. The staging tabs of another process writing
// at this moment look the same: deleting them fails that write's final call, which leaves
// the outputs whole, so two writers never mix their outputs.
func staleStaging(lay *layout, outputs map[int64]bool) []int64 {
	var stale []int64
	for _, t := range lay.tabs {
		if isStaging(t) && !outputs[t.id] {
			stale = append(stale, t.id)
		}
	}
	return stale
}

// dropStaging deletes, in a write that is not staged, the staging tabs of an earlier failed
// staged write, so they do not wait for the next large one.
func dropStaging(lay *layout, reqs []*sheetsapi.Request) []*sheetsapi.Request {
	outputs := map[int64]bool{}
	for _, r := range reqs {
		if u := r.UpdateCells; u != nil && u.Range != nil {
			outputs[u.Range.SheetId] = true
		}
	}
	return deleteSheets(staleStaging(lay, outputs))
}

func deleteSheets(ids []int64) []*sheetsapi.Request {
	var reqs []*sheetsapi.Request
	for _, id := range ids {
		reqs = append(reqs, &sheetsapi.Request{DeleteSheet: &sheetsapi.DeleteSheetRequest{SheetId: id,
			ForceSendFields: []string{"SheetId"}}})
	}
	return reqs
}

// planStaged splits the one batch reqs into staging calls and a final call, each under limit,
// and refuses before any call a write the API would refuse: a row too big for one call, or
// more cells than a spreadsheet may hold while the staging tabs exist.
func (s *Sheet) planStaged(lay *layout, ids *idPicker, reqs []*sheetsapi.Request, created map[string]int64,
	limit int, rows encodedRows) (*stagedPlan, error) {
	budget := limit - min(callSlack, limit/64)
	outputs := map[int64]bool{}
	var writes []*cellWrite
	for i, r := range reqs {
		u := r.UpdateCells
		if u == nil || u.Range == nil || rows[u].len() == 0 {
			continue
		}
		v := rows[u]
		w := &cellWrite{at: i, req: u, rows: v}
		empty := requestSize(chunkRequest(w, 0, 0, nil))
		for j := range v.len() {
			size := v.size(j)
			if size+empty > budget {
				return nil, fmt.Errorf("write %s: row %d of output tab %s: %w: it needs %s, over the %s a call "+
					"may carry: shorten its longest cells", s.Describe(), int(u.Range.StartRowIndex)+j+1,
					tabName(lay, created, u.Range.SheetId), errRowTooLarge, sizeText(size), sizeText(limit))
			}
		}
		w.split = v.len()
		outputs[u.Range.SheetId] = true
		writes = append(writes, w)
	}

	// Staging tabs: titles no other tab (nor a new output tab) has; a stale staging tab's
	// title may be reused, since the first call deletes it before adding.
	plan := &stagedPlan{staging: map[string]int64{}}
	stale := staleStaging(lay, outputs)
	plan.stale = len(stale)
	taken := func(title string) bool {
		if t, ok := lay.find(title); ok && (!isStaging(t) || outputs[t.id]) {
			return true
		}
		for name := range created {
			if strings.EqualFold(name, title) {
				return true
			}
		}
		_, used := plan.staging[title]
		return used
	}
	n := 1
	for _, w := range writes {
		for ; taken(fmt.Sprintf("%s %d", stagingTitle, n)); n++ {
		}
		title := fmt.Sprintf("%s %d", stagingTitle, n)
		// The largest the staging tab can be, so the final call is not sized too small.
		w.stage = stagingTab{id: ids.pick(title), title: title, rows: int64(w.rows.len()), cols: w.rows.width()}
		plan.staging[title] = w.stage.id
	}

	// The final call, sized as if every row were staged, leaves the rest of one call for rows
	// written straight into it: the last rows, so what is staged is a prefix.
	final := finalRequests(reqs, writes, nil)
	room := budget - requestSize(final...)
	for _, w := range writes {
		room -= requestSize(directRequest(w, 0, 0, nil)) + 1
	}
	if room < 0 {
		return nil, fmt.Errorf("write %s: %w: it needs a request over %s", s.Describe(), errLayoutTooLarge, sizeText(limit))
	}
	for i := len(writes) - 1; i >= 0 && room > 0; i-- {
		w := writes[i]
		for w.split > 0 && w.rows.size(w.split-1)+1 <= room {
			room -= w.rows.size(w.split-1) + 1
			w.split--
		}
		if w.split > 0 {
			break
		}
	}
	for _, w := range writes {
		if w.split == 0 {
			delete(plan.staging, w.stage.title)
			continue
		}
		w.stage.rows, w.stage.cols = int64(w.split), w.rows.sub(0, w.split).width()
		plan.cells += w.stage.rows * w.stage.cols
	}
	if err := s.checkCells(lay, reqs, stale, plan.cells); err != nil {
		return nil, err
	}

	// Staging calls: the first deletes stale staging tabs and adds the new ones; rows follow
	// in order, each call filled up to the budget.
	first := deleteSheets(stale)
	for _, w := range writes {
		if w.split > 0 {
			first = append(first, stagingRequests(w.stage)...)
		}
	}
	cur, size := first, requestSize(first...)
	for _, w := range writes {
		from, chunk := 0, requestSize(chunkRequest(w, 0, 0, nil))+1
		for r := 0; r < w.split; r++ {
			cost := w.rows.size(r) + 1
			if size+chunk+cost > budget && (r > from || len(cur) > 0) {
				if r > from {
					cur = append(cur, chunkRequest(w, from, r, rows))
				}
				plan.calls = append(plan.calls, cur)
				cur, size = nil, requestSize()
				from, chunk = r, requestSize(chunkRequest(w, 0, 0, nil))+1
			}
			chunk += cost
		}
		if w.split > from {
			cur = append(cur, chunkRequest(w, from, w.split, rows))
			size += chunk
		}
	}
	if len(cur) > 0 {
		plan.calls = append(plan.calls, cur)
	}
	plan.calls = append(plan.calls, finalRequests(reqs, writes, rows))
	return plan, nil
}

// finalRequests is the one batch with each cell write replaced: the tab is cleared (the
// same fields, no rows), the staged rows are copied in from the staging tab, and the other
// rows are written as before; the staging tabs are deleted last. Requests that follow the
// cell write in the one batch (widths, the chart) follow the paste here too, so nothing the
// paste carries can undo them. The rows written directly are put in rows (nil: sizing only).
func finalRequests(reqs []*sheetsapi.Request, writes []*cellWrite, rows encodedRows) []*sheetsapi.Request {
	out := make([]*sheetsapi.Request, 0, len(reqs)+2*len(writes))
	next := 0
	for i, r := range reqs {
		if next >= len(writes) || writes[next].at != i {
			out = append(out, r)
			continue
		}
		w := writes[next]
		next++
		out = append(out, &sheetsapi.Request{UpdateCells: &sheetsapi.UpdateCellsRequest{Range: w.req.Range, Fields: w.req.Fields}})
		if w.split > 0 {
			rg := w.req.Range
			// PASTE_NORMAL copies each cell as it is stored (value, format, note, validation): a
			// stringValue stays a string and is never parsed, so "=IMPORTXML(...)" stays text.
			// The destination is exactly the source's size: a larger one that is a multiple of
			// it would repeat the rows.
			out = append(out, &sheetsapi.Request{CopyPaste: &sheetsapi.CopyPasteRequest{
				Source: &sheetsapi.GridRange{SheetId: w.stage.id, EndRowIndex: w.stage.rows, EndColumnIndex: w.stage.cols,
					ForceSendFields: []string{"SheetId", "StartRowIndex", "StartColumnIndex"}},
				Destination: &sheetsapi.GridRange{SheetId: rg.SheetId,
					StartRowIndex: rg.StartRowIndex, EndRowIndex: rg.StartRowIndex + w.stage.rows,
					StartColumnIndex: rg.StartColumnIndex, EndColumnIndex: rg.StartColumnIndex + w.stage.cols,
					ForceSendFields: []string{"SheetId", "StartRowIndex", "StartColumnIndex"}},
				PasteType:        "PASTE_NORMAL",
				PasteOrientation: "NORMAL",
			}})
		}
		if w.split < w.rows.len() {
			out = append(out, directRequest(w, w.split, w.rows.len(), rows))
		}
	}
	for _, w := range writes {
		if w.split > 0 {
			out = append(out, deleteSheets([]int64{w.stage.id})...)
		}
	}
	return out
}

// directRequest writes rows [from, to) of w into its output tab, in the final call; the
// rows go into rows (nil: sizing only, as if empty).
func directRequest(w *cellWrite, from, to int, rows encodedRows) *sheetsapi.Request {
	rg := w.req.Range
	u := &sheetsapi.UpdateCellsRequest{
		Start: &sheetsapi.GridCoordinate{SheetId: rg.SheetId, RowIndex: rg.StartRowIndex + int64(from),
			ColumnIndex: rg.StartColumnIndex, ForceSendFields: []string{"SheetId", "RowIndex", "ColumnIndex"}},
		Fields: w.req.Fields,
	}
	if rows != nil {
		rows[u] = w.rows.sub(from, to)
	}
	return &sheetsapi.Request{UpdateCells: u}
}

// chunkRequest writes rows [from, to) of w into its staging tab, the rows into rows (nil:
// sizing only). With start rather than a range, only the cells given are written.
func chunkRequest(w *cellWrite, from, to int, rows encodedRows) *sheetsapi.Request {
	u := &sheetsapi.UpdateCellsRequest{
		Start: &sheetsapi.GridCoordinate{SheetId: w.stage.id, RowIndex: int64(from),
			ForceSendFields: []string{"SheetId", "RowIndex", "ColumnIndex"}},
		Fields: w.req.Fields,
	}
	if rows != nil {
		rows[u] = w.rows.sub(from, to)
	}
	return &sheetsapi.Request{UpdateCells: u}
}

// stagingRequests add a hidden staging tab with both markers.
func stagingRequests(st stagingTab) []*sheetsapi.Request {
	return []*sheetsapi.Request{
		{AddSheet: &sheetsapi.AddSheetRequest{Properties: &sheetsapi.SheetProperties{
			SheetId: st.id, Title: st.title, Hidden: true,
			GridProperties: &sheetsapi.GridProperties{RowCount: st.rows, ColumnCount: st.cols},
		}}},
		markerRequest(st.id),
		{CreateDeveloperMetadata: &sheetsapi.CreateDeveloperMetadataRequest{DeveloperMetadata: &sheetsapi.DeveloperMetadata{
			MetadataKey: stagingKey, MetadataValue: "true", Visibility: "DOCUMENT",
			Location: &sheetsapi.DeveloperMetadataLocation{SheetId: st.id, ForceSendFields: []string{"SheetId"}},
		}}},
	}
}

// requestSize is the JSON size of a batch body holding reqs.
func requestSize(reqs ...*sheetsapi.Request) int {
	b, err := json.Marshal(&sheetsapi.BatchUpdateSpreadsheetRequest{Requests: reqs})
	if err != nil {
		// The same values encoded before; a failure here is a bug, and an oversized
		// answer makes the write refuse rather than send a body the API would refuse.
		return 1 << 40
	}
	return len(b)
}

// checkCells refuses a staged write that would take the spreadsheet over the API's cell
// limit at its peak: in the final call, the output tabs at the larger of their old and new
// sizes, every other tab, and the staging tabs (stale ones are gone by then).
func (s *Sheet) checkCells(lay *layout, reqs []*sheetsapi.Request, stale []int64, staged int64) error {
	type grid struct{ rows, cols int64 }
	now := map[int64]grid{}
	for _, t := range lay.tabs {
		now[t.id] = grid{t.rows, t.cols}
	}
	for _, id := range stale {
		delete(now, id)
	}
	peak := map[int64]int64{}
	for id, g := range now {
		peak[id] = g.rows * g.cols
	}
	for _, r := range reqs {
		var id int64
		switch {
		case r.AddSheet != nil && r.AddSheet.Properties != nil && r.AddSheet.Properties.GridProperties != nil:
			p := r.AddSheet.Properties
			id = p.SheetId
			now[id] = grid{p.GridProperties.RowCount, p.GridProperties.ColumnCount}
		case r.UpdateSheetProperties != nil && r.UpdateSheetProperties.Properties != nil &&
			r.UpdateSheetProperties.Properties.GridProperties != nil:
			p := r.UpdateSheetProperties.Properties
			id = p.SheetId
			g := now[id]
			if strings.Contains(r.UpdateSheetProperties.Fields, "gridProperties.rowCount") {
				g.rows = p.GridProperties.RowCount
			}
			if strings.Contains(r.UpdateSheetProperties.Fields, "gridProperties.columnCount") {
				g.cols = p.GridProperties.ColumnCount
			}
			now[id] = g
		default:
			continue
		}
		peak[id] = max(peak[id], now[id].rows*now[id].cols)
	}
	var total int64
	for _, n := range peak {
		total += n
	}
	if total+staged > maxCells {
		return fmt.Errorf("write %s: the write is too large for one request, and staging it needs %d cells at its "+
			"peak (%d of them in hidden staging tabs), over Google Sheets' limit of 10,000,000 cells per "+
			"spreadsheet: write fewer rows (e.g. a shorter activity window) or move other tabs out of the spreadsheet",
			s.Describe(), total+staged, staged)
	}
	return nil
}

// tabName names the tab with sheet id id for a message.
func tabName(lay *layout, created map[string]int64, id int64) string {
	for name, cid := range created {
		if cid == id {
			return fmt.Sprintf("%q", name)
		}
	}
	for _, t := range lay.tabs {
		if t.id == id {
			return fmt.Sprintf("%q", t.title)
		}
	}
	return fmt.Sprintf("with sheet id %d", id)
}
