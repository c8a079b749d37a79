// Package decode turns the typed tables of the volunteer tabs (Partners, Assets, Meetings,
// Members) into scoring records, and everything in them that cannot be read into Data Issues.
//
// Decoding never fails on a volunteer's cell: a bad value becomes an Issue and is treated as
// blank, a row missing its required value becomes an Issue and is left out, and a tab missing
// a required column becomes an Issue while the other tabs still decode (SPEC.md §2, §5).
package decode

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/partnermap/partnermap/campaign"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// TabNames are the configured names of the input tabs; an empty name means the default.
type TabNames struct {
	Partners, Assets, Meetings, Members string
	// Campaigns and Stances are optional tabs (§8).
	Campaigns, Stances string
}

// Default tab names of §2.
const (
	DefaultPartners = "Partners"
	DefaultAssets   = "Assets"
	DefaultMeetings = "Meetings"
	DefaultMembers  = "Members"
)

// WithDefaults fills empty names with the defaults.
func (n TabNames) WithDefaults() TabNames {
	n.Partners = cmp.Or(n.Partners, DefaultPartners)
	n.Assets = cmp.Or(n.Assets, DefaultAssets)
	n.Meetings = cmp.Or(n.Meetings, DefaultMeetings)
	n.Members = cmp.Or(n.Members, DefaultMembers)
	n.Campaigns = cmp.Or(n.Campaigns, DefaultCampaigns)
	n.Stances = cmp.Or(n.Stances, DefaultStances)
	return n
}

// Options configure decoding: the tab names and how numeric text dates are ordered.
type Options struct {
	Tabs      TabNames
	DateOrder DateOrder
	// Existing lists every tab of the spreadsheet, so that a missing input tab's issue can
	// name the tab it is probably under.
	Existing []string
	// Release clears each data row of the tables once it is decoded, so that a large tab's
	// cells can be collected while its records are built: at 100k partners the Meetings
	// tab's cells and its records together were the peak of a sync. For a caller that
	// needs the cells no more (sync.Run); the tables keep their header rows only.
	Release bool

	// workers, when above 0, is how many chunks a tab decoded in chunks is cut into,
	// however small: tests compare chunked and single-pass decoding with it.
	workers int
	// touchAhead, set by tests, makes the meetings' room ahead whatever the tab's size.
	touchAhead bool
}

// Result is what decoding gives: the records, the Data Issues and the rows read per tab.
type Result struct {
	Records scoring.Records
	// Campaigns are the optional Campaigns and Stances tabs.
	Campaigns campaign.Records
	// Issues are ordered by tab (Partners, Assets, Meetings, Members, Campaigns, Stances), then row.
	Issues []scoring.Issue
	// Rows counts the non-blank rows below the header, per tab name that exists.
	Rows map[string]int

	partnersTab  string
	partnerHeads map[string]string // the spec's column name → header as typed on Partners
}

// Place puts an issue that scoring found in a partner's row where the volunteer will look
// for it: scoring knows the Partners tab and its columns only by the spec's names, while
// the sheet may call them something else ("Position" for Stance, a renamed tab).
func (r Result) Place(is scoring.Issue) scoring.Issue {
	if is.Tab != "Partners" {
		return is
	}
	is.Tab = r.partnersTab
	if h, ok := r.partnerHeads[is.Column]; ok {
		is.Column = h
	}
	return is
}

// decoder carries one Decode call: cross-tab indexes are built from one tab and used by the next.
type decoder struct {
	opts      Options
	tabs      TabNames
	res       Result
	members   *index // nil when there is no Members tab with rows
	partners  *index // nil when the Partners tab is missing or unreadable
	campaigns *index // nil when the Campaigns tab is missing or unreadable
	scratch   []byte // for folding names without allocating
	search    search // for suggesting names
}

// touchAheadRows is the fewest Meetings rows whose records' memory is made ahead: below
// it, a few megabytes, the zeroing is not worth a goroutine.
const touchAheadRows = 1 << 16

// Decode reads the input tabs into records. It never fails on a volunteer's cell: every
// problem becomes an Issue and the row is kept unless it lacks its required value.
func Decode(tables map[string]*sheets.Table, opts Options) Result {
	d := &decoder{opts: opts, tabs: opts.Tabs.WithDefaults(), res: Result{Rows: make(map[string]int, 4)}}
	d.res.partnersTab = d.tabs.Partners
	// The Meetings tab is opened first: when its rows can be decoded, their records' room
	// is made now and its pages written to while the members, partners and assets are.
	meetings := d.openMeetings(tables[d.tabs.Meetings])
	// Members first: owners and attendees are checked against them.
	memberIssues := d.decodeMembers(tables[d.tabs.Members])
	partnerIssues := d.decodePartners(tables[d.tabs.Partners])
	assetIssues := d.decodeAssets(tables[d.tabs.Assets])
	meetingIssues := d.decodeMeetings(meetings)
	campaignIssues := d.decodeCampaigns(tables[d.tabs.Campaigns])
	stanceIssues := d.decodeStances(tables[d.tabs.Stances])

	d.res.Issues = slices.Concat(partnerIssues, assetIssues, meetingIssues, memberIssues, campaignIssues, stanceIssues)
	return d.res
}

// missingTab reports an input tab that does not exist; how loudly depends on the tab.
func (d *decoder) missingTab(name, key string, sev scoring.Severity) []scoring.Issue {
	return []scoring.Issue{{Tab: name, Severity: sev, Problem: MissingTab(name, key, d.opts.Existing)}}
}

// countRows counts non-blank rows of a tab that could not be decoded, for Sync Status.
func countRows(t *sheets.Table) int {
	n := 0
	for _, row := range t.Rows[min(1, len(t.Rows)):] {
		for _, c := range row {
			if !isBlank(c) {
				n++
				break
			}
		}
	}
	return n
}

func (d *decoder) decodeMembers(t *sheets.Table) []scoring.Issue {
	name := d.tabs.Members
	if t == nil {
		return nil
	}
	tb, ok := openTab(name, t, memberColumns())
	if !ok {
		d.res.Rows[name] = countRows(t)
		return tb.sorted()
	}
	idx := newIndex(len(t.Rows))
	out := make([]scoring.Member, 0, len(t.Rows))
	for n, row := range d.rows(tb, t) {
		nameCell := tb.cell(row, uName)
		if isBlank(nameCell) {
			tb.missing(n, uName, "this member row has no Name: type the member's name, or clear the row")
			continue
		}
		if d.example(tb, n, uName, nameCell, isExampleMember) {
			continue
		}
		m := scoring.Member{Row: n, Name: text(nameCell)}
		m.Key = scoring.FoldName(m.Name)
		if first, dup := idx.add(m.Name, m.Key); dup {
			tb.duplicate(scoring.SevWarning, n, uName, nameCell, out[first].Row, out[first].Name)
			continue
		}
		m.Email = tb.str(row, uEmail)
		m.Role = memberRole(tb.str(row, uRole))
		m.MaxRelationships, _ = read(tb, row, n, uMax, ParseMaxRelationships)
		if wants, ok := read(tb, row, n, uDigest, ParseBool); ok {
			m.NoDigest = !wants
		}
		out = append(out, m)
	}
	d.res.Records.Members = out
	if idx.len() > 0 {
		d.members = idx
	}
	return tb.sorted()
}

// memberRole spells the two roles of §2 canonically and passes any other text through.
func memberRole(s string) string {
	var buf keyBuf
	switch string(foldWord(&buf, s)) {
	case "leader":
		return "Leader"
	case "member":
		return "Member"
	}
	return s
}

func (d *decoder) decodePartners(t *sheets.Table) []scoring.Issue {
	name := d.tabs.Partners
	if t == nil {
		return d.missingTab(name, "partners", scoring.SevError)
	}
	tb, ok := openTab(name, t, partnerColumns())
	d.res.partnerHeads = make(map[string]string, len(tb.spec))
	for f, c := range tb.spec {
		if tb.head[f] != "" {
			d.res.partnerHeads[c.name] = tb.head[f]
		}
	}
	if !ok {
		d.res.Rows[name] = countRows(t)
		return tb.sorted()
	}
	// The names first, in one pass: a duplicate is known only from the rows before it, and
	// its row is left out. Then the other columns of the rows kept, in chunks side by side.
	idx := newIndex(len(t.Rows))
	size := filled(t.Rows, 1, len(t.Rows)) // not the empty rows of a sheet padded to its last row
	out := make([]scoring.Partner, 0, size)
	cells := make([][]sheets.Cell, 0, size) // the row of each partner of out, until its columns are read
	for n, row := range d.rows(tb, t) {
		nameCell := tb.cell(row, pName)
		if isBlank(nameCell) {
			tb.missing(n, pName, "this partner row has no Name: type the partner's name, or clear the row")
			continue
		}
		if d.example(tb, n, pName, nameCell, isExample) {
			continue
		}
		p := scoring.Partner{Row: n, Name: text(nameCell)}
		p.Key = scoring.FoldName(p.Name)
		if first, dup := idx.add(p.Name, p.Key); dup {
			tb.duplicate(scoring.SevError, n, pName, nameCell, out[first].Row, out[first].Name)
			continue
		}
		out = append(out, p)
		cells = append(cells, row)
	}
	tabs := d.inChunks(tb, len(out), d.chunks(len(out)), func(_ int, d *decoder, tb *tab, lo, hi int) {
		for i := lo; i < hi; i++ {
			d.partnerColumns(tb, &out[i], cells[i])
			cells[i] = nil
		}
	})
	// Each cell's issues come from one of the two passes, in the order found, so one stable
	// sort of them all (by row, then column) orders them as a single pass would.
	for _, c := range tabs[1:] {
		tb.issues, tb.at = append(tb.issues, c.issues...), append(tb.at, c.at...)
	}
	d.res.Records.Partners = out
	d.partners = idx
	return tb.sorted()
}

// partnerColumns reads the columns of a partner's row other than its Name.
func (d *decoder) partnerColumns(tb *tab, p *scoring.Partner, row []sheets.Cell) {
	n := p.Row
	p.Type = tb.str(row, pType)
	if oc := tb.cell(row, pOwner); !isBlank(oc) {
		p.Owner = text(oc)
		p.OwnerKey = d.memberRef(tb, n, pOwner, oc, p.Owner)
	}
	p.Stance = tb.scale(row, n, pStance, ParseStance)
	p.Influence = tb.scale(row, n, pInfluence, ParseScale)
	p.Trust = tb.scale(row, n, pTrust, ParseScale)
	p.Impact = tb.scale(row, n, pImpact, ParseScale)
	p.Capacity = tb.scale(row, n, pCapacity, ParseScale)
	p.Alignment = tb.scale(row, n, pAlignment, ParseScale)
	p.RingOverride, _ = read(tb, row, n, pRing, ParseRing)
	p.Stage, _ = read(tb, row, n, pStage, ParseStage)
	p.Inactive, _ = read(tb, row, n, pStatus, ParseStatus)
	p.Endorses, _ = read(tb, row, n, pEndorses, ParseBool)
	p.AssessedBy = tb.str(row, pAssessedBy)
	p.AssessedOn, _ = tb.date(row, n, pAssessedOn, d.opts.DateOrder)
	p.Goals = tb.str(row, pGoals)
	p.SelfInterest = tb.str(row, pSelfInterest)
	p.Represents = tb.str(row, pRepresents)
	p.Constraints = tb.str(row, pConstraints)
	p.Notes = tb.str(row, pNotes)
}

// assetCategory spells the five asset-mapping categories canonically and passes any other text through.
func assetCategory(s string) string {
	var buf keyBuf
	switch string(foldWord(&buf, s)) {
	case "organizationalrelationship", "organisationalrelationship":
		return "Organizational relationship"
	case "significantindividual":
		return "Significant individual"
	case "skill":
		return "Skill"
	case "reach":
		return "Reach"
	case "physical":
		return "Physical"
	}
	return s
}

func (d *decoder) decodeAssets(t *sheets.Table) []scoring.Issue {
	name := d.tabs.Assets
	if t == nil {
		return d.missingTab(name, "assets", scoring.SevWarning)
	}
	tb, ok := openTab(name, t, assetColumns())
	if !ok {
		d.res.Rows[name] = countRows(t)
		return tb.sorted()
	}
	out, issues := decodeRows(d, tb, t, decodeAsset, nil)
	d.res.Records.Assets = out
	return issues
}

// decodeAsset decodes one row of the Assets tab.
func decodeAsset(d *decoder, tb *tab, n int, row []sheets.Cell, out []scoring.Asset) []scoring.Asset {
	noMember, noAsset := isBlank(tb.cell(row, aMember)), isBlank(tb.cell(row, aAsset))
	if noMember || noAsset {
		missingAssetValue(tb, n, noMember, noAsset)
		return out
	}
	if d.example(tb, n, aAsset, tb.cell(row, aAsset), isExample) || d.example(tb, n, aPartner, tb.cell(row, aPartner), isExample) {
		return out
	}
	a := scoring.Asset{Row: n, Member: tb.str(row, aMember), Asset: tb.str(row, aAsset)}
	d.memberRef(tb, n, aMember, tb.cell(row, aMember), a.Member)
	a.Category = assetCategory(tb.str(row, aCategory))
	if pc := tb.cell(row, aPartner); !isBlank(pc) {
		a.Partner = text(pc)
		a.PartnerKey = d.partnerRef(tb, n, aPartner, pc, a.Partner)
	}
	a.Strength = 2
	if s, ok := read(tb, row, n, aStrength, ParseStrength); ok {
		a.Strength = s
	}
	a.Notes = tb.str(row, aNotes)
	return append(out, a)
}

// missingAssetValue reports an asset row left out because Member or Asset is blank.
func missingAssetValue(tb *tab, n int, noMember, noAsset bool) {
	switch {
	case noMember && noAsset:
		tb.missing(n, aMember, "this asset row has no Member and no Asset: fill in who holds what, or clear the row; the row is left out")
	case noMember:
		tb.missing(n, aMember, "this asset has no Member: type who holds it; the row is left out")
	default:
		tb.missing(n, aAsset, "this asset has no Asset: describe what it is; the row is left out")
	}
}

// meetingsTab is the Meetings tab, opened: its header read (ok when its rows can be
// decoded) and, for a large tab, the room its records go to.
type meetingsTab struct {
	t    *sheets.Table
	tb   *tab
	ok   bool
	room *recordRoom[scoring.Meeting]
}

// openMeetings opens the Meetings tab t (nil when there is none).
func (d *decoder) openMeetings(t *sheets.Table) meetingsTab {
	m := meetingsTab{t: t}
	if t == nil {
		return m
	}
	m.tb, m.ok = openTab(d.tabs.Meetings, t, meetingColumns())
	if m.ok && (len(t.Rows) > touchAheadRows || d.opts.touchAhead) {
		m.room = newRecordRoom[scoring.Meeting](d, t)
		m.room.touchAhead()
	}
	return m
}

func (d *decoder) decodeMeetings(m meetingsTab) []scoring.Issue {
	name := d.tabs.Meetings
	if m.t == nil {
		return d.missingTab(name, "meetings", scoring.SevWarning)
	}
	if !m.ok {
		d.res.Rows[name] = countRows(m.t)
		return m.tb.sorted()
	}
	out, issues := decodeRows(d, m.tb, m.t, decodeMeeting, m.room)
	d.res.Records.Meetings = out
	return issues
}

// decodeMeeting decodes one row of the Meetings tab.
func decodeMeeting(d *decoder, tb *tab, n int, row []sheets.Cell, out []scoring.Meeting) []scoring.Meeting {
	dateCell, partnerCell := tb.cell(row, mDate), tb.cell(row, mPartner)
	if d.example(tb, n, mPartner, partnerCell, isExample) {
		return out
	}
	date, ok := d.usableMeeting(tb, n, dateCell, partnerCell)
	if !ok {
		return out
	}
	m := scoring.Meeting{Row: n, Date: date, Partner: text(partnerCell)}
	m.PartnerKey = d.partnerRef(tb, n, mPartner, partnerCell, m.Partner)
	if mc := tb.cell(row, mMember); !isBlank(mc) {
		m.Member = text(mc)
		d.memberRef(tb, n, mMember, mc, m.Member)
	}
	m.Type = scoring.OneToOne
	if v, ok := read(tb, row, n, mType, ParseMeetingType); ok {
		m.Type = v
	}
	m.Role, _ = read(tb, row, n, mRole, ParseRole)
	if m.Role == scoring.RoleNone && m.Type.Participation() {
		m.Role = scoring.RoleAttended
	}
	m.Success = tb.str(row, mSuccess)
	m.SelfInterests = tb.str(row, mSelfInterests)
	m.Ask = tb.str(row, mAsk)
	m.AskOutcome, _ = read(tb, row, n, mAskOutcome, ParseAskOutcome)
	if tb.has(mIntroductions) {
		m.Introductions = SplitNames(tb.str(row, mIntroductions))
	}
	m.NextStep = tb.str(row, mNextStep)
	m.Due, _ = tb.date(row, n, mDue, d.opts.DateOrder)
	m.Done, _ = read(tb, row, n, mDone, ParseBool)
	m.Notes = tb.str(row, mNotes)
	return append(out, m)
}

// usableMeeting reads the Date of a meeting row and reports whether the row has the Date and
// Partner it cannot do without; when not, it says why, and the row is left out.
func (d *decoder) usableMeeting(tb *tab, n int, dateCell, partnerCell sheets.Cell) (scoring.Date, bool) {
	const left = "the meeting is left out until it is fixed"
	noPartner := isBlank(partnerCell)
	if isBlank(dateCell) {
		if noPartner {
			tb.missing(n, mDate, "this meeting has no Date and no Partner: fill them in, or clear the row; "+left)
		} else {
			tb.missing(n, mDate, "this meeting has no Date: type when it happened (or is planned), e.g. 2026-11-23; "+left)
		}
		return 0, false
	}
	date, err := ParseDate(dateCell, d.opts.DateOrder)
	if err != nil {
		tb.bad(scoring.SevError, n, mDate, dateCell, err.Error()+"; "+left)
		return 0, false
	}
	if noPartner {
		tb.missing(n, mPartner, "this meeting has no Partner: type who we met; "+left)
		return 0, false
	}
	return date, true
}

// partnerRef folds a partner reference and warns when it matches no partner, suggesting the
// closest name. It stays silent when the Partners tab could not be read, so one missing
// column does not turn into a warning on every meeting.
func (d *decoder) partnerRef(tb *tab, n, f int, c sheets.Cell, name string) (key string) {
	if d.partners == nil {
		return scoring.FoldName(name)
	}
	if key, ok := d.partners.lookup(&d.scratch, name); ok {
		return key
	}
	key = scoring.FoldName(name)
	problem := fmt.Sprintf("no partner named '%s'", quoted(name))
	if s := d.partners.suggest(&d.search, key); s != "" {
		problem += fmt.Sprintf(" — did you mean '%s'?", quoted(s))
	} else {
		problem += fmt.Sprintf(" in the %s tab: check the spelling, or add the partner there", d.tabs.Partners)
	}
	tb.bad(scoring.SevWarning, n, f, c, problem)
	return key
}

// memberRef folds a member name (an owner, an attendee, an asset holder) and notes when it is
// not in the Members tab; only when that tab exists and has rows, since it is optional.
func (d *decoder) memberRef(tb *tab, n, f int, c sheets.Cell, name string) (key string) {
	if d.members == nil {
		return scoring.FoldName(name)
	}
	if key, ok := d.members.lookup(&d.scratch, name); ok {
		return key
	}
	key = scoring.FoldName(name)
	problem := fmt.Sprintf("no member named '%s' in the %s tab", quoted(name), d.tabs.Members)
	if s := d.members.suggest(&d.search, key); s != "" {
		problem += fmt.Sprintf(" — did you mean '%s'?", quoted(s))
	} else {
		problem += ": check the spelling, or add them there"
	}
	tb.bad(scoring.SevInfo, n, f, c, problem)
	return key
}

// String lists the issues one per line, for logs and `partnermap check`.
func (r Result) String() string {
	var b strings.Builder
	for _, is := range r.Issues {
		b.WriteString(is.String())
		b.WriteByte('\n')
	}
	return b.String()
}
