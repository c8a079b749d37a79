// Package render lays out scoring results as the output tabs leaders read: each tab opens
// with a one-line legend saying what it is and when it was computed, then a bold frozen
// header, then one row per partner, finding or problem.
package render

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/partnermap/partnermap/campaign"
	"github.com/partnermap/partnermap/history"
	"github.com/partnermap/partnermap/internal/chunks"
	"github.com/partnermap/partnermap/profile"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// Names are the output tab names; "" turns a tab off.
type Names struct {
	Priorities, FollowUps, PowerMap, Connections, Owners, DataIssues, SyncStatus string
	History, Progress                                                            string
	// Campaigns is the tab of per-campaign power maps (§8).
	Campaigns string
	// Profiles and Themes are the relationship record (§9).
	Profiles, Themes string
}

// Status is what the Sync Status tab reports about the run.
type Status struct {
	Source    string
	SyncedAt  time.Time // in the as-of time zone
	AsOf      scoring.Date
	Rows      []TabRows
	Duration  time.Duration
	Version   string
	InputHash string
}

// TabRows counts the data rows read from one input tab.
type TabRows struct {
	Tab  string
	Rows int
}

// Input is everything the tabs are made from.
type Input struct {
	Result scoring.Result
	// Campaigns are the maps of the active campaigns; none means no Campaigns column.
	Campaigns campaign.Result
	// Issues are all data issues: decoding's and scoring's.
	Issues []scoring.Issue
	Status Status
	Names  Names
	// Scoring is the configuration the result was scored with, for the thresholds the tabs
	// draw (the power map's quadrant lines, the due-soon colour); nil means the defaults.
	Scoring *scoring.Config
	// History is the History tab's rows after this run, Progress the weeks drawn from them,
	// and Moves each partner's latest move (by partner key) for Priorities' Moved column.
	History  []history.Row
	Progress []history.Week
	Moves    map[string]history.Move
	// Profiles gives the active partners' profiles in Priorities order, needed when the
	// Profiles or Themes tab is on (nil: none); the Themes tab draws what recurs across them
	// itself, beside the other tabs (profile.Themes is the largest part of rendering a big
	// workbook). It may wait until they are built, and must be safe to call from two tabs
	// at once: Tabs starts the tabs that need them last, so that the others are rendered
	// while they are built (at 100k partners building them takes half a second).
	Profiles func() []profile.Profile
}

// profiles are in.Profiles, once built.
func (in Input) profiles() []profile.Profile {
	if in.Profiles == nil {
		return nil
	}
	return in.Profiles()
}

// scoringConfig is the configuration the tabs draw thresholds from.
func (in Input) scoringConfig() scoring.Config {
	if in.Scoring != nil {
		return *in.Scoring
	}
	return scoring.DefaultConfig()
}

// Tabs renders every enabled output tab, in the order of Names. Each tab is built from in
// alone, which no builder changes, so the tabs are built side by side, as many at once as
// there are processors; each comes out the same as built alone.
func Tabs(in Input) []sheets.Tab {
	return tabsAtOnce(in, runtime.GOMAXPROCS(0))
}

// tabsAtOnce renders the tabs, at most n of them at a time.
func tabsAtOnce(in Input, n int) []sheets.Tab {
	type build struct {
		name  string
		build func(string, Input) sheets.Tab
	}
	// In the order of Names, which is the order of the tabs.
	builds := []build{
		{in.Names.Priorities, priorities},
		{in.Names.FollowUps, followUps},
		{in.Names.PowerMap, powerMap},
		{in.Names.Campaigns, campaignsTab},
		{in.Names.Connections, connections},
		{in.Names.Owners, owners},
		{in.Names.Profiles, profilesTab},
		{in.Names.Themes, themesTab},
		{in.Names.DataIssues, dataIssues},
		{in.Names.SyncStatus, syncStatus},
		{in.Names.History, historyTab},
		{in.Names.Progress, progressTab},
	}
	builds = slices.DeleteFunc(builds, func(b build) bool { return b.name == "" })
	// The slowest first (the Power Map at 100k partners), so that the quick ones fill in
	// around it, but those that need the profiles (Themes, Profiles, the slowest of all)
	// after the others: they may wait for in.Profiles, and the rest are rendered meanwhile.
	slowest := map[string]int{in.Names.Themes: -1, in.Names.Profiles: -2, in.Names.PowerMap: 1}
	order := make([]int, len(builds))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return slowest[builds[y].name] - slowest[builds[x].name] })

	tabs := make([]sheets.Tab, len(builds))
	chunks.AtMost(len(order), n, func(j int) {
		i := order[j]
		tab := builds[i].build(builds[i].name, in)
		tab.Legend = true // row 1 of every output tab is its legend
		fitWidths(&tab)
		tabs[i] = tab
	})
	return tabs
}

// table is a tab with a legend row and a header row above its data rows.
type table struct {
	tab sheets.Tab
}

func newTable(name, legend string, header []string, widths []float64) *table {
	h := make([]sheets.Cell, len(header))
	for i, s := range header {
		h[i] = sheets.TextCell(s)
	}
	return &table{tab: sheets.Tab{
		Name:       name,
		Rows:       [][]sheets.Cell{{sheets.TextCell(legend)}, h},
		FrozenRows: 2,
		BoldRows:   []int{1},
		Widths:     widths,
	}}
}

// add appends a data row and returns its row index.
func (t *table) add(cells ...sheets.Cell) int {
	t.tab.Rows = append(t.tab.Rows, cells)
	return len(t.tab.Rows) - 1
}

func (t *table) highlight(row, col int, tone sheets.Tone) {
	if tone != "" {
		t.tab.Highlights = append(t.tab.Highlights, sheets.Highlight{Row: row, Col: col, Tone: tone})
	}
}

func legend(what string, in Input) string {
	return fmt.Sprintf("%s As of %s; computed %s by partnermap from the volunteers' tabs. Do not edit: this tab is replaced on every sync.",
		what, in.Result.AsOf, in.Status.SyncedAt.Format("2006-01-02 15:04"))
}

func text(s string) sheets.Cell { return sheets.TextCell(s) }
func num(n int) sheets.Cell     { return sheets.IntCell(n) }

func date(d scoring.Date) sheets.Cell {
	if d.IsZero() {
		return sheets.Cell{}
	}
	return sheets.DateCell(d.Time())
}

func ringCell(ring int) sheets.Cell {
	if ring == 0 {
		return sheets.Cell{}
	}
	return num(ring)
}

// QuadrantTone colours quadrants the same way in every tab and in the svg picture.
func QuadrantTone(q scoring.Quadrant) sheets.Tone {
	switch q {
	case scoring.Q1Engage:
		return sheets.ToneGood
	case scoring.Q2Persuade:
		return sheets.ToneWarn
	case scoring.Q3BuildUp:
		return sheets.ToneInfo
	}
	return sheets.ToneMuted
}

func priorities(name string, in Input) sheets.Tab {
	t := newTable(name,
		legend("Active partners ranked by priority score (0–100 = 40 power + 25 support + 20 warm-path access + 15 urgency); Why gives the points.", in),
		[]string{"Rank", "Partner", "Score", "Quadrant", "Ring", "Moved", "Owner", "Last contact", "Next move", "Why"},
		[]float64{6, 30, 7, 14, 6, 24, 18, 13, 50, 90})
	// A Campaigns column only for a group with an active campaign: the others never see it.
	withCampaigns := len(in.Campaigns.Maps) > 0
	if withCampaigns {
		t.tab.Rows[1] = append(t.tab.Rows[1], text("Campaigns"))
		t.tab.Widths = append(t.tab.Widths, 40)
	}
	for i := range in.Result.Assessments {
		a := &in.Result.Assessments[i]
		why := a.Why
		if a.Warning != "" && !strings.Contains(why, a.Warning) {
			why = "⚠ " + a.Warning + ". " + why
		}
		moved := sheets.Cell{}
		if m, ok := in.Moves[a.Partner.Key]; ok {
			moved = text(m.Text())
		}
		r := t.add(num(a.Rank), text(a.Partner.Name), num(a.Score), text(a.Quadrant.String()), num(a.Ring),
			moved, text(a.Owner), date(a.LastContact), text(a.NextMove), text(why))
		if withCampaigns {
			t.tab.Rows[r] = append(t.tab.Rows[r], text(in.Campaigns.Cell(a)))
		}
		t.highlight(r, 3, QuadrantTone(a.Quadrant))
		if m, ok := in.Moves[a.Partner.Key]; ok {
			t.highlight(r, 5, moveTone(m))
		}
		if a.Warning != "" {
			t.highlight(r, 9, sheets.ToneWarn)
		}
	}
	return t.tab
}

func followUps(name string, in Input) sheets.Tab {
	t := newTable(name,
		legend("What each relationship owner should do next, by owner: red = overdue, amber = due within a week.", in),
		[]string{"Owner", "Partner", "Kind", "Due", "Days overdue", "Next step", "Last contact", "Ring"},
		[]float64{18, 30, 20, 12, 13, 50, 13, 6})
	for _, f := range in.Result.FollowUps {
		days := sheets.Cell{}
		if f.HasDays {
			days = num(f.DaysOverdue)
		}
		r := t.add(text(f.Owner), text(f.Partner), text(string(f.Kind)), date(f.Due), days,
			text(f.NextStep), date(f.LastContact), ringCell(f.Ring))
		switch f.Kind {
		case scoring.NextStepOverdue, scoring.CheckInOverdue, scoring.Reassess:
			t.highlight(r, 4, sheets.ToneAlert)
		case scoring.NextStepDueSoon:
			t.highlight(r, 3, sheets.ToneWarn)
		}
	}
	// The fills above are as of the sync; these rules keep Due current until the next one.
	if first, last := 2, len(t.tab.Rows)-1; last >= first {
		t.tab.Rules = []sheets.Rule{
			{Col: 3, FirstRow: first, LastRow: last, When: sheets.DateBeforeToday, Tone: sheets.ToneAlert},
			{Col: 3, FirstRow: first, LastRow: last, When: sheets.DateWithinDays, Days: in.scoringConfig().SoonDays, Tone: sheets.ToneWarn},
			{Col: 4, FirstRow: first, LastRow: last, When: sheets.NumberAboveZero, Tone: sheets.ToneAlert},
		}
	}
	return t.tab
}

func connections(name string, in Input) sheets.Tab {
	t := newTable(name,
		legend("Warm paths from our members to partners, partners who need a connector, assets we are not using, and new leads from introductions.", in),
		[]string{"Kind", "Partner", "Member", "Detail", "Strength"},
		[]float64{16, 30, 18, 60, 9})
	for _, c := range in.Result.Connections {
		strength := sheets.Cell{}
		if c.Strength > 0 {
			strength = num(c.Strength)
		}
		t.add(text(string(c.Kind)), text(c.Partner), text(c.Member), text(c.Detail), strength)
	}
	return t.tab
}

func owners(name string, in Input) sheets.Tab {
	t := newTable(name,
		legend("Relationships per owner against their capacity (Max); red = over capacity, hand some relationships off.", in),
		[]string{"Owner", "Active relationships", "Max", "Overdue follow-ups", "Over capacity"},
		[]float64{20, 20, 6, 18, 14})
	for _, o := range in.Result.Owners {
		over := text("no")
		if o.Over > 0 {
			over = text(fmt.Sprintf("yes, by %d", o.Over))
		}
		r := t.add(text(o.Owner), num(o.Active), num(o.Max), num(o.OverdueFollowUp), over)
		if o.Over > 0 {
			t.highlight(r, 4, sheets.ToneAlert)
		}
	}
	return t.tab
}

// severityOrder puts errors first: they are what a volunteer should fix.
var severityOrder = map[scoring.Severity]int{scoring.SevError: 0, scoring.SevWarning: 1, scoring.SevInfo: 2}

func dataIssues(name string, in Input) sheets.Tab {
	t := newTable(name,
		legend("Cells in the volunteers' tabs that could not be read or need a look, by tab, row and column. Fix them there; the sync kept every row.", in),
		[]string{"Tab", "Row", "Column", "Value", "Problem", "Severity"},
		[]float64{14, 6, 20, 30, 80, 9})
	issues := append([]scoring.Issue(nil), in.Issues...)
	sort.SliceStable(issues, func(i, j int) bool {
		return severityOrder[issues[i].Severity] < severityOrder[issues[j].Severity]
	})
	for _, is := range issues {
		row := sheets.Cell{}
		if is.Row > 0 {
			row = num(is.Row)
		}
		r := t.add(text(is.Tab), row, text(is.Column), text(is.Value), text(is.Problem), text(string(is.Severity)))
		switch is.Severity {
		case scoring.SevError:
			t.highlight(r, 5, sheets.ToneAlert)
		case scoring.SevWarning:
			t.highlight(r, 5, sheets.ToneWarn)
		}
	}
	if len(issues) == 0 {
		t.add(text(""), sheets.Cell{}, text(""), text(""), text("No problems found."), text(""))
	}
	return t.tab
}

func syncStatus(name string, in Input) sheets.Tab {
	t := newTable(name, legend("When partnermap last wrote these tabs and what it read.", in),
		[]string{"Item", "Value"}, []float64{24, 60})
	s := in.Status
	res := in.Result
	t.add(text("Last sync"), text(s.SyncedAt.Format("2006-01-02 15:04:05 MST")))
	t.add(text("As-of date"), date(res.AsOf))
	t.add(text("Source"), text(s.Source))
	for _, tr := range s.Rows {
		t.add(text("Rows read: "+tr.Tab), num(tr.Rows))
	}
	t.add(text("Active partners"), num(len(res.Assessments)))
	t.add(text("Inactive partners"), num(res.Inactive))
	overdue := 0
	for _, f := range res.FollowUps {
		if f.Kind == scoring.NextStepOverdue || f.Kind == scoring.CheckInOverdue {
			overdue++
		}
	}
	t.add(text("Follow-ups"), num(len(res.FollowUps)))
	t.add(text("Overdue follow-ups"), num(overdue))
	t.add(text("Connections"), num(len(res.Connections)))
	counts := map[scoring.Severity]int{}
	for _, is := range in.Issues {
		counts[is.Severity]++
	}
	t.add(text("Data issues: errors"), num(counts[scoring.SevError]))
	t.add(text("Data issues: warnings"), num(counts[scoring.SevWarning]))
	t.add(text("Data issues: info"), num(counts[scoring.SevInfo]))
	// The console's "Wrote … in" also counts the save, which comes after this tab is made.
	t.add(text("Duration"), text(s.Duration.Round(time.Millisecond).String()+" to read and compute (saving the tabs comes after)"))
	t.add(text("Version"), text(s.Version))
	t.add(text(CommitmentsItem), text(CommitmentsRule))
	t.add(text(InputHashItem), text(s.InputHash))
	return t.tab
}

// CommitmentsItem labels the Sync Status row that says how open next steps are counted. A
// Sync Status without it was written before version 2, when a newer meeting closed an older
// undone step; the first sync that finds it missing tells the admin those steps are back.
const (
	CommitmentsItem = "Open next steps"
	CommitmentsRule = "every undone step stays open until marked Done"
)

// StatusValue finds the value of an item in a Sync Status tab as read back, and whether the
// item is there at all.
func StatusValue(t *sheets.Table, item string) (string, bool) {
	if t == nil {
		return "", false
	}
	for _, row := range t.Rows {
		if len(row) >= 2 && row[0].Kind == sheets.Text && row[0].Text == item {
			return row[1].String(), true
		}
	}
	return "", false
}

// InputHashItem labels the Sync Status row that holds the hash of the inputs and config the
// tabs were computed from; an unchanged hash means no write is needed.
const InputHashItem = "Input hash"

// Recorded is what a Sync Status tab, read back, says of the write that made it: enough for
// an unchanged run, which skips decoding and scoring, to report the same figures.
type Recorded struct {
	Rows                       []TabRows
	Active, FollowUps, Overdue int
	Errors, Warnings, Info     int
}

// Issues is the number of data issues of every severity.
func (r Recorded) Issues() int { return r.Errors + r.Warnings + r.Info }

// ReadStatus reads the figures syncStatus wrote back out of the tab; items it does not know
// (or a tab from an older version lacking some) are left zero.
func ReadStatus(t *sheets.Table) Recorded {
	var r Recorded
	if t == nil {
		return r
	}
	for _, row := range t.Rows {
		if len(row) < 2 || row[0].Kind != sheets.Text || row[1].Kind != sheets.Number {
			continue
		}
		n := int(row[1].Num)
		switch item := row[0].Text; item {
		case "Active partners":
			r.Active = n
		case "Follow-ups":
			r.FollowUps = n
		case "Overdue follow-ups":
			r.Overdue = n
		case "Data issues: errors":
			r.Errors = n
		case "Data issues: warnings":
			r.Warnings = n
		case "Data issues: info":
			r.Info = n
		default:
			if tab, ok := strings.CutPrefix(item, "Rows read: "); ok {
				r.Rows = append(r.Rows, TabRows{Tab: tab, Rows: n})
			}
		}
	}
	return r
}

// PreviousHash finds the input hash in a Sync Status tab as read back, or "".
func PreviousHash(t *sheets.Table) string {
	h, _ := StatusValue(t, InputHashItem)
	return h
}
