// Package sync runs partnermap: one sync of one source (read → decode → score → render →
// write), and the scheduled service that repeats it.
package sync

import (
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
	gosync "sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/partnermap/partnermap/campaign"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/history"
	"github.com/partnermap/partnermap/internal/chunks"
	"github.com/partnermap/partnermap/profile"
	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// Options change one run.
type Options struct {
	// AsOf fixes the day D (for tests and replays); zero means today in the source's zone.
	AsOf scoring.Date
	// DryRun computes everything and reports what would change, writing nothing.
	DryRun bool
	// Adopt lists existing tabs, not created by partnermap, that it may take over.
	Adopt []string
	// Force writes even when the inputs and config are unchanged since the last write.
	Force bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Version is the program version written to Sync Status and mixed into the input hash.
	Version string
	// RebuildSince, when set, first fills the weeks from this day's week on that have no
	// History row from the meeting log (`partnermap history --rebuild --since`).
	RebuildSince scoring.Date
	// Memo is the file (MemoPath) keeping the last unchanged decision, so that a run finding
	// the spreadsheet byte for byte as it was says "unchanged" without reading it; "" keeps
	// none. Only for callers holding the source's lock; dry runs ignore it.
	Memo string
	// Logger hears about a memo that could not be used or kept; the zero value hears nothing.
	Logger zerolog.Logger
	// BeforeRead, when set, is called once the run knows it reads the source in full (it
	// was not found unchanged from the memo), just before the read: a one-shot command's
	// heap is set up there (memlimit.HugePages), not in a run that ends in milliseconds.
	BeforeRead func()
}

// Stage timings of one run.
const (
	StageRead   = "read"
	StageDecode = "decode"
	StageScore  = "score"
	StageRender = "render"
	StageWrite  = "write"
)

// Report says what one run did.
type Report struct {
	Source string
	AsOf   scoring.Date
	// Rows counts the data rows read per input tab.
	Rows   []render.TabRows
	Issues []scoring.Issue
	Result scoring.Result
	// Records are the decoded input tabs the result was scored from (Result points into
	// them), on dry runs: a sync that writes lets them go before the write, since the
	// meeting log is the largest thing it would hold through it (216 MB at 1M meetings).
	Records scoring.Records
	// Campaigns are the maps of the active campaigns (§8), empty without a Campaigns tab.
	Campaigns campaign.Result
	Tabs      []sheets.Tab
	// Written is true when the output tabs were replaced.
	Written bool
	// Unchanged is true when nothing was written because inputs and config were the same as
	// last time. Such a run stops before decoding: Result and Issues are empty, Last holds
	// the figures the last write recorded, and Rows is taken from it.
	Unchanged bool
	// Recalled is true when Unchanged was decided from the memo (Options.Memo), the
	// spreadsheet being byte for byte as the last run found or wrote it: it was not read.
	Recalled bool
	Last     render.Recorded
	// HistoryAdded counts History rows of the as-of day, HistoryRebuilt the reconstructed
	// rows a rebuild added, and HistoryRows all rows written.
	HistoryAdded, HistoryRebuilt, HistoryRows int
	// Moves are the partners' latest moves within history.MovedDays, by partner key.
	Moves map[string]history.Move
	// Notices are things the admin should hear once, such as what an upgrade changed.
	Notices []string
	// Changes describes, per output tab, what differs from what is there now (dry runs).
	Changes   []Change
	InputHash string
	Duration  time.Duration
	// Computed is the time from the start to the rendered tabs, before the write: the
	// Duration Sync Status shows, since that tab is made before it is saved.
	Computed time.Duration
	Stages   map[string]time.Duration
}

// Errors counts error-level data issues.
func (r *Report) Errors() int {
	if r.Unchanged {
		return r.Last.Errors
	}
	n := 0
	for _, is := range r.Issues {
		if is.Severity == scoring.SevError {
			n++
		}
	}
	return n
}

// IssueCount is the number of data issues of every severity.
func (r *Report) IssueCount() int {
	if r.Unchanged {
		return r.Last.Issues()
	}
	return len(r.Issues)
}

// Severities counts the data issues by severity.
func (r *Report) Severities() map[scoring.Severity]int {
	if r.Unchanged {
		return map[scoring.Severity]int{scoring.SevError: r.Last.Errors, scoring.SevWarning: r.Last.Warnings, scoring.SevInfo: r.Last.Info}
	}
	counts := map[scoring.Severity]int{}
	for _, is := range r.Issues {
		counts[is.Severity]++
	}
	return counts
}

// RowsRead counts the data rows read from all input tabs.
func (r *Report) RowsRead() int {
	n := 0
	for _, tr := range r.Rows {
		n += tr.Rows
	}
	return n
}

// Change is the difference between a rendered output tab and the tab as it is now.
type Change struct {
	Tab     string
	Exists  bool
	OldRows int
	NewRows int
	// Differ counts rows (below the legend) whose cells differ.
	Differ int
}

// ErrSkipped wraps the reason a run was skipped without harm (the workbook is open or changed
// while we read it); the next scheduled run tries again.
var ErrSkipped = errors.New("sync skipped; it will be tried again")

// ForSource returns cfg with the tab names of one source, so Run reads and writes the right tabs.
func ForSource(cfg config.Config, src config.Source) config.Config {
	cfg.Tabs = src.Tabs
	cfg.Outputs = src.Outputs
	return cfg
}

// Run performs one sync of src configured by cfg (cfg.Tabs and cfg.Outputs name the tabs).
func Run(ctx context.Context, cfg config.Config, src sheets.Source, opts Options) (*Report, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	start := now()
	rep := &Report{Source: src.Describe(), Stages: map[string]time.Duration{}}
	stage := func(name string, since time.Time) time.Time {
		t := now()
		rep.Stages[name] = t.Sub(since)
		return t
	}
	inputs := inputTabs(cfg.Tabs)
	enabled := cfg.Outputs.Enabled()
	want := append([]string(nil), inputs...)
	if opts.DryRun {
		want = append(want, enabled...)
	} else if cfg.Outputs.SyncStatus != "" {
		want = append(want, cfg.Outputs.SyncStatus)
	}
	if h := cfg.Outputs.History; h != "" && !slices.Contains(want, h) {
		// History is input as well as output: read in the same call as the volunteers' tabs.
		want = append(want, h)
	}

	mem := openMemory(cfg, src, opts)
	if mem != nil && !opts.Force && opts.RebuildSince.IsZero() {
		if rec, day, ok := mem.recall(ctx, opts.AsOf, start); ok {
			// The spreadsheet is byte for byte one a full run found unchanged, with the same
			// settings on the same day: that run's report, without opening it.
			rep.AsOf, rep.Unchanged, rep.Recalled = day, true, true
			rep.Last, rep.Rows, rep.InputHash = rec.Status, rec.Status.Rows, rec.InputHash
			stage(StageRead, start)
			rep.Duration = now().Sub(start)
			return rep, nil
		}
	}

	if opts.BeforeRead != nil {
		opts.BeforeRead()
	}
	t := now()
	var (
		snap   *sheets.Snapshot
		pre    prelude
		digest hash.Hash
		base   hashState
		err    error
	)
	// known are the input tabs' sections of a Google read found unchanged before: a read that
	// finds them all as they were does not parse them. If the cells are needed after all
	// (the outputs must be written, or a new input tab appeared) they are read again in full:
	// the loop runs at most twice.
	known := mem.sectionsKnown(opts, start)
	for {
		var rd sectionsRead
		if snap, rd, err = mem.read(ctx, src, want, known); err != nil {
			return rep, fmt.Errorf("read %s: %w", src.Describe(), err)
		}
		t = stage(StageRead, t)
		if pre, err = prepare(cfg, src, snap, rd.same, opts, start); err != nil {
			return rep, err
		}
		enabled, rep.AsOf = pre.enabled, pre.asOf
		if len(rd.same) > 0 {
			// The input tabs are byte for byte those the memo was made from: their part of the
			// input hash is the memo's.
			if digest = known.inputsDigest(inputs, snap, rd.same, rep.AsOf); digest == nil {
				known = nil // a new input tab, or another day in the sheet's zone
				continue
			}
		} else if digest, err = inputDigest(snap, inputs, cfg, rep.AsOf, opts.Version); err != nil {
			return rep, err
		}
		if mem != nil {
			var serr error
			if base, serr = saveState(digest.(encoding.BinaryMarshaler)); serr != nil {
				mem = nil // no memo: the next run reads in full
			}
		}
		if len(rd.same) == 0 {
			mem.keepSections(rd.sums, inputs, snap, base, rep.AsOf, pre.loc)
		}
		rep.InputHash = finishInputHash(digest, func(w io.Writer) {
			history.Fingerprint(w, pre.past, rep.AsOf)
		})
		if !opts.Force && !opts.DryRun && opts.RebuildSince.IsZero() && upToDate(snap, cfg.Outputs.SyncStatus, enabled, pre.conflicts, rep.InputHash) {
			// Decided from the cells as read, before decoding and scoring: an unchanged sync
			// costs a read and a hash.
			rep.Unchanged = true
			rep.Last = render.ReadStatus(snap.Tables[cfg.Outputs.SyncStatus])
			rep.Rows = rep.Last.Rows
			if fp := mem.readFingerprint(snap); fp != "" && len(findClashes(snap, cfg.Outputs, nil)) == 0 {
				// Kept only without clashes, so that what --adopt says cannot matter.
				mem.keep(memo{Fingerprint: fp, Zone: pre.loc.String(), AsOf: rep.AsOf, InputHash: rep.InputHash, Status: rep.Last})
			}
			rep.Duration = now().Sub(start)
			return rep, clashError(pre.clashes)
		}
		if len(rd.same) == 0 {
			break
		}
		known = nil // something else changed (an output tab deleted, Sync Status edited)
	}
	existing, outputs, loc, clashes, conflicts, past, pastIssues := pre.existing, pre.outputs, pre.loc, pre.clashes, pre.conflicts, pre.past, pre.pastIssues

	dec := decode.Decode(snap.Tables, decode.Options{
		Tabs: decode.TabNames{Partners: cfg.Tabs.Partners, Assets: cfg.Tabs.Assets, Meetings: cfg.Tabs.Meetings, Members: cfg.Tabs.Members,
			Campaigns: cfg.Tabs.Campaigns, Stances: cfg.Tabs.Stances},
		DateOrder: dateOrder(cfg.DateOrder),
		Existing:  existing,
		Release:   true, // hashed above; the cells are not needed again
	})
	for _, name := range inputs {
		if _, ok := snap.Tables[name]; ok {
			rep.Rows = append(rep.Rows, render.TabRows{Tab: name, Rows: dec.Rows[name]})
		}
	}
	// The input tabs' cells are done with: scoring, rendering and the write work from the
	// records, and the write and a dry run's comparison look only at output tabs. At 100k
	// partners the cells are some 700 MB, released here before scoring and rendering
	// allocate theirs.
	for _, name := range inputs {
		delete(snap.Tables, name)
	}
	t = stage(StageDecode, t)

	if opts.DryRun {
		rep.Records = dec.Records
	}
	rep.Result = scoring.Score(dec.Records, cfg.Scoring, rep.AsOf)
	for i, is := range rep.Result.Issues {
		rep.Result.Issues[i] = dec.Place(is)
	}
	rep.Campaigns = campaign.Compute(dec.Campaigns, rep.Result, cfg.Scoring)
	rep.Issues = append(append(append([]scoring.Issue(nil), dec.Issues...), rep.Result.Issues...), pastIssues...)
	rep.Issues = append(rep.Issues, DigestIssues(cfg, dec.Records, rep.Result)...)
	if cfg.Outputs.SyncStatus != "" {
		rep.Notices = upgradeNotices(snap.Tables[cfg.Outputs.SyncStatus], rep.Result)
	}
	t = stage(StageScore, t)

	for _, c := range clashes {
		rep.Issues = append(rep.Issues, scoring.Issue{Tab: c.Tab, Problem: c.String(), Severity: scoring.SevError})
	}

	rep.Computed = now().Sub(start)
	in := render.Input{
		Result:    rep.Result,
		Campaigns: rep.Campaigns,
		Issues:    rep.Issues,
		Names:     outputNames(outputs),
		Scoring:   &cfg.Scoring,
		Status: render.Status{
			Source:    src.Describe(),
			SyncedAt:  start.In(loc),
			AsOf:      rep.AsOf,
			Rows:      rep.Rows,
			Duration:  rep.Computed,
			Version:   opts.Version,
			InputHash: rep.InputHash,
		},
	}
	// The profiles are built beside the History tab's rows: both only read the records and
	// the result.
	var profiles chan []profile.Profile
	if cfg.Outputs.Profiles != "" || cfg.Outputs.Themes != "" {
		profiles = make(chan []profile.Profile, 1)
		go func(recs scoring.Records, res scoring.Result) { profiles <- profile.Build(recs, res) }(dec.Records, rep.Result)
	}
	if cfg.Outputs.History != "" && !slices.Contains(conflicts, cfg.Outputs.History) {
		rows := past
		if !opts.RebuildSince.IsZero() {
			rows, rep.HistoryRebuilt = history.Rebuild(rows, opts.RebuildSince, rep.AsOf, func(day scoring.Date) []history.State {
				return history.States(dec.Records.Partners, scoring.Score(dec.Records, cfg.Scoring, day))
			})
		}
		out := history.Update(rows, history.States(dec.Records.Partners, rep.Result), rep.AsOf, cfg.History.KeepDays)
		rep.HistoryAdded, rep.HistoryRows = out.Added, len(out.Rows)
		in.History = out.Rows
		in.Progress = history.Progress(out.Rows, rep.AsOf)
		in.Moves = history.Moves(out.Rows, rep.AsOf, history.MovedDays)
		rep.Moves = in.Moves
	} else {
		in.Names.Progress = "" // drawn from History only
	}
	if profiles != nil {
		// The tabs that need the profiles wait for them; the others are rendered meanwhile.
		in.Profiles = gosync.OnceValue(func() []profile.Profile { return <-profiles })
	}
	rep.Tabs = without(render.Tabs(in), conflicts)
	t = stage(StageRender, t)

	if opts.DryRun {
		rep.Changes = changes(snap, rep.Tabs)
		rep.Duration = now().Sub(start)
		return rep, clashError(clashes)
	}
	// What a full read of the workbook as this run leaves it would find, worked out from
	// the rendered tabs while they are written (neither changes them): at 100k partners it
	// reads back 100k History rows, a quarter of a second.
	type prediction struct {
		rec memo
		ok  bool
	}
	var predicted chan prediction
	if mem != nil && mem.src != nil {
		predicted = make(chan prediction, 1)
		go func(tabs []sheets.Tab, asOf scoring.Date, exact func(sheets.Cell) bool) {
			rec, ok := predictUnchanged(cfg, snap, tabs, inputs, enabled, base, asOf, exact)
			predicted <- prediction{rec, ok}
		}(rep.Tabs, rep.AsOf, mem.src.WritesExactly)
	}
	placed, err := mem.write(ctx, src, snap, rep.Tabs, opts.Adopt)
	if err != nil {
		rep.Duration = now().Sub(start)
		if errors.Is(err, sheets.ErrBusy) || errors.Is(err, sheets.ErrChanged) {
			return rep, fmt.Errorf("%w: write %s: %w", ErrSkipped, src.Describe(), err)
		}
		return rep, fmt.Errorf("write %s: %w", src.Describe(), err)
	}
	stage(StageWrite, t)
	rep.Written = true
	if predicted != nil {
		// The memo describes the workbook as this run left it, or is gone.
		p := <-predicted
		if rec := p.rec; p.ok && placed != "" && len(clashes) == 0 {
			rec.Fingerprint, rec.Zone = placed, loc.String()
			mem.keep(rec)
		} else {
			mem.forget()
		}
	}
	rep.Duration = now().Sub(start)
	return rep, clashError(clashes)
}

// prelude is what a run learns from its read before it decides whether anything changed.
type prelude struct {
	existing   []string // the volunteers' tabs, for telling which one a missing input tab may be under
	outputs    config.Outputs
	enabled    []string
	asOf       scoring.Date
	loc        *time.Location
	clashes    []Clash
	conflicts  []string
	past       []history.Row
	pastIssues []scoring.Issue
}

// prepare works out the prelude of snap; same lists input tabs that are there but were left
// unparsed (sectionReader).
func prepare(cfg config.Config, src sheets.Source, snap *sheets.Snapshot, same []string, opts Options, start time.Time) (prelude, error) {
	var p prelude
	has := func(name string) bool {
		_, ok := snap.Tables[name]
		return ok || slices.Contains(same, name)
	}
	for _, tab := range snap.Tabs {
		if !tab.Managed {
			p.existing = append(p.existing, tab.Name)
		}
	}
	if !has(cfg.Tabs.Partners) {
		return p, fmt.Errorf("read %s: %s", src.Describe(), decode.MissingTab(cfg.Tabs.Partners, "partners", p.existing))
	}
	p.outputs, p.enabled = cfg.Outputs, cfg.Outputs.Enabled()
	if cfg.Tabs.Campaigns == "" || !has(cfg.Tabs.Campaigns) {
		// A group that runs no campaign gets no campaign maps tab.
		p.enabled = slices.DeleteFunc(p.enabled, func(n string) bool { return n == p.outputs.Campaigns })
		p.outputs.Campaigns = ""
	}
	var err error
	if p.asOf, p.loc, err = asOfDay(cfg.Timezone, snap, opts.AsOf, start); err != nil {
		return p, err
	}
	p.clashes = findClashes(snap, cfg.Outputs, opts.Adopt)
	p.conflicts = clashOutputs(p.clashes)
	if cfg.Outputs.History != "" && !slices.Contains(p.conflicts, cfg.Outputs.History) {
		p.past, p.pastIssues = history.Read(snap.Tables[cfg.Outputs.History], dateOrder(cfg.DateOrder))
	}
	return p, nil
}

// inputTabs lists every input tab the configuration names, in field order. It walks the
// fields of config.Tabs so that a tab added there (tabs.campaigns, tabs.stances, ...) is read
// and is part of the input hash without another edit here; "" (an optional tab turned off) is
// skipped. A tab read from the outputs as an input must be added to the list the caller gets.
func inputTabs(tabs config.Tabs) []string {
	var names []string
	v := reflect.ValueOf(tabs)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String && f.String() != "" && !slices.Contains(names, f.String()) {
			names = append(names, f.String())
		}
	}
	return names
}

func without(tabs []sheets.Tab, names []string) []sheets.Tab {
	if len(names) == 0 {
		return tabs
	}
	kept := tabs[:0:0]
	for _, t := range tabs {
		if !slices.Contains(names, t.Name) {
			kept = append(kept, t)
		}
	}
	return kept
}

func outputNames(o config.Outputs) render.Names {
	return render.Names{
		Priorities: o.Priorities, FollowUps: o.FollowUps, PowerMap: o.PowerMap, Connections: o.Connections,
		Owners: o.Owners, DataIssues: o.DataIssues, SyncStatus: o.SyncStatus,
		History: o.History, Progress: o.Progress, Campaigns: o.Campaigns,
		Profiles: o.Profiles, Themes: o.Themes,
	}
}

// asOfDay is a run's day D and its zone: fixed when given, else the day at now in the zone
// location picks.
func asOfDay(tz string, snap *sheets.Snapshot, fixed scoring.Date, now time.Time) (scoring.Date, *time.Location, error) {
	loc, err := location(tz, snap.Location)
	if err != nil {
		return fixed, nil, err
	}
	if fixed.IsZero() {
		fixed = scoring.DateFromTime(now.In(loc))
	}
	return fixed, loc, nil
}

// location picks the zone of the as-of day: the configured one, else the spreadsheet's, else local.
func location(tz string, sheet *time.Location) (*time.Location, error) {
	if tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return nil, &config.Error{Err: fmt.Errorf("timezone: %w", err)}
		}
		return loc, nil
	}
	if sheet != nil {
		return sheet, nil
	}
	return time.Local, nil
}

func dateOrder(s string) decode.DateOrder {
	if s == "DMY" {
		return decode.DMY
	}
	return decode.MDY
}

// upToDate reports whether the last write was computed from the same inputs, config and day,
// and every enabled output tab is still there and ours.
func upToDate(snap *sheets.Snapshot, syncStatus string, enabled, conflicts []string, hash string) bool {
	if syncStatus == "" || slices.Contains(conflicts, syncStatus) || render.PreviousHash(snap.Tables[syncStatus]) != hash {
		return false
	}
	for _, name := range enabled {
		if slices.Contains(conflicts, name) {
			continue
		}
		if info, ok := snap.Tab(name); !ok || !info.Managed {
			return false
		}
	}
	return true
}

// inputHash fingerprints what the outputs are computed from: the input tabs' cells, the
// settings that shape the outputs, the as-of day, the program version, and what extra
// writes: the History rows the run reads as input.
func inputHash(snap *sheets.Snapshot, inputs []string, cfg config.Config, asOf scoring.Date, version string, extra func(io.Writer)) (string, error) {
	h, err := inputDigest(snap, inputs, cfg, asOf, version)
	if err != nil {
		return "", err
	}
	return finishInputHash(h, extra), nil
}

// inputDigest is the input hash's state after everything but the extra part.
func inputDigest(snap *sheets.Snapshot, inputs []string, cfg config.Config, asOf scoring.Date, version string) (hash.Hash, error) {
	h := sha256.New()
	settings, err := json.Marshal(struct {
		Tabs      config.Tabs
		Outputs   config.Outputs
		Scoring   scoring.Config
		History   config.History
		DateOrder string
		Timezone  string
		AsOf      scoring.Date
		Version   string
		// MailDigests adds Data Issues for owners with no email; omitted when off, so the
		// hash of a group without digests is what it was before they existed.
		MailDigests bool `json:",omitempty"`
	}{cfg.Tabs, cfg.Outputs, cfg.Scoring, cfg.History, cfg.DateOrder, cfg.Timezone, asOf, version, mailDigests(cfg)})
	if err != nil {
		return nil, fmt.Errorf("hash settings: %w", err)
	}
	h.Write(settings)
	sorted := append([]string(nil), inputs...)
	sort.Strings(sorted)
	ahead := &chunks.Ahead{Per: 4096, Depth: 3} // rows a piece: some 600 KB of hash bytes
	for _, name := range sorted {
		t, ok := snap.Tables[name]
		if !ok {
			fmt.Fprintf(h, "\x00missing %q\n", name)
			continue
		}
		fmt.Fprintf(h, "\x00tab %q\n", name)
		hashRows(h, t.Rows, ahead)
	}
	return h, nil
}

// hashRows writes the hash bytes of rows to h, a line a row. SHA-256 is sequential, but
// encoding the cells is most of the hashing (a third of a second at 100k partners), so a
// large tab's rows are encoded a piece at a time, a few pieces ahead of h.
func hashRows(h io.Writer, rows [][]sheets.Cell, ahead *chunks.Ahead) {
	_ = ahead.Run(len(rows), func(buf []byte, lo, hi int) ([]byte, error) {
		return appendHashRows(buf, rows[lo:hi]), nil
	}, func(b []byte) error {
		_, err := h.Write(b) // a hash.Hash never fails
		return err
	})
}

// appendHashRows appends the hash bytes of rows: each cell's (appendHashCell), and a newline
// after each row.
func appendHashRows(buf []byte, rows [][]sheets.Cell) []byte {
	for _, row := range rows {
		for _, c := range row {
			buf = appendHashCell(buf, c)
		}
		buf = append(buf, '\n')
	}
	return buf
}

// finishInputHash adds extra to the input hash h and gives the hash.
func finishInputHash(h hash.Hash, extra func(io.Writer)) string {
	if extra != nil {
		// The History rows the run reads as input (all but the day's own, which it rewrites).
		fmt.Fprintf(h, "\x00extra\n")
		extra(h)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// appendHashCell appends the bytes fmt.Sprintf("%d:%s\x1f", c.Kind, c.String()) would give,
// without allocating, so the input hash stays what it was.
func appendHashCell(buf []byte, c sheets.Cell) []byte {
	buf = strconv.AppendUint(buf, uint64(c.Kind), 10)
	buf = append(buf, ':')
	switch c.Kind {
	case sheets.Text:
		buf = append(buf, c.Text...)
	case sheets.Number:
		buf = strconv.AppendFloat(buf, c.Num, 'f', -1, 64)
	case sheets.Date:
		if t := c.Time(); t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			buf = t.AppendFormat(buf, "2006-01-02")
		} else {
			buf = t.AppendFormat(buf, "2006-01-02 15:04")
		}
	case sheets.Bool:
		if c.Bool {
			buf = append(buf, "TRUE"...)
		} else {
			buf = append(buf, "FALSE"...)
		}
	}
	return append(buf, '\x1f')
}

// changes compares rendered tabs with the ones read (dry runs read the outputs too).
func changes(snap *sheets.Snapshot, tabs []sheets.Tab) []Change {
	var out []Change
	for _, tab := range tabs {
		c := Change{Tab: tab.Name, NewRows: len(tab.Rows)}
		if old, ok := snap.Tables[tab.Name]; ok {
			c.Exists = true
			c.OldRows = len(old.Rows)
			for i := 1; i < max(len(old.Rows), len(tab.Rows)); i++ {
				if i >= len(old.Rows) || i >= len(tab.Rows) || !sameRow(old.Rows[i], tab.Rows[i]) {
					c.Differ++
				}
			}
		} else {
			c.Differ = len(tab.Rows) - 1
		}
		out = append(out, c)
	}
	return out
}

func sameRow(a, b []sheets.Cell) bool {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y string
		if i < len(a) {
			x = a[i].String()
		}
		if i < len(b) {
			y = b[i].String()
		}
		if x != y {
			return false
		}
	}
	return true
}
