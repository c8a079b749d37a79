// Package workload generates input tabs of any size that look like the ones volunteers keep:
// real-sounding partner names, header aliases and odd capitalisation, dates typed five ways,
// misspelt partner names, names in the wrong case, unreadable values and blank rows.
//
// The benchmarks use it so their figures are measured on data as messy as a real
// movement's, not on tidy rows that take every fast path. The same seed gives the same tabs.
package workload

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// Size is how many data rows each input tab holds.
type Size struct {
	Partners, Assets, Meetings, Members int
}

// SizeOf returns the shape the benchmarks use for n partners: one asset per partner, ten
// meetings per partner, and a member for every 50 partners (at least 20).
func SizeOf(partners int) Size {
	return Size{Partners: partners, Assets: partners, Meetings: 10 * partners, Members: max(20, partners/50)}
}

// Rows is the total number of data rows.
func (s Size) Rows() int { return s.Partners + s.Assets + s.Meetings + s.Members }

// Mess sets how often each kind of volunteer mistake or habit appears, as fractions of rows.
// The defaults (DefaultMess) are a guess at a busy shared sheet, not a measurement.
type Mess struct {
	BlankRows   float64 // rows left empty between entries
	Typos       float64 // partner names misspelt by one letter in Meetings and Assets
	CaseSpace   float64 // partner names in another case or with extra spaces (these match)
	Unknown     float64 // meetings with a partner that is in no row of Partners
	BadValues   float64 // cells that cannot be read (a date nobody can parse, a scale of 7)
	TextDates   float64 // dates typed as text rather than entered as dates
	Duplicates  float64 // partners entered twice
	NewLeadRate float64 // meetings where introductions were offered
}

// DefaultMess is the mix of mistakes the benchmarks run with.
func DefaultMess() Mess {
	return Mess{BlankRows: 0.01, Typos: 0.01, CaseSpace: 0.05, Unknown: 0.005, BadValues: 0.005,
		TextDates: 0.4, Duplicates: 0.002, NewLeadRate: 0.05}
}

// Tabs returns the four input tabs (Partners, Assets, Meetings, Members under the names in
// names) with the layout `partnermap init` gives them, some headers replaced by aliases
// a group might use, and size rows of generated data dated around asOf.
func Tabs(names config.Tabs, size Size, asOf scoring.Date, mess Mess, seed uint64) []sheets.InputTab {
	g := New(names, size, asOf, mess, seed)
	tabs := g.Layout()
	for i, n := range []int{size.Partners, size.Assets, size.Meetings, size.Members} {
		tabs[i].Rows = make([][]sheets.Cell, 0, n+n/50)
	}
	for i, row := range g.Rows() {
		tabs[i].Rows = append(tabs[i].Rows, row)
	}
	return tabs
}

// Generator makes the tabs Tabs returns one row at a time, so that a workbook of a hundred
// thousand partners (over a million rows) can be written without holding its rows: the
// same seed gives the same rows, whether collected by Tabs or streamed from Rows.
type Generator struct {
	g      *gen
	layout []sheets.InputTab // the four tabs without rows
	counts [4]int
	fills  [4]func(i int, set func(col string, c sheets.Cell))
	used   bool
}

// New prepares the tabs of size generated from seed; see Tabs.
func New(names config.Tabs, size Size, asOf scoring.Date, mess Mess, seed uint64) *Generator {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), asOf: asOf, mess: mess}
	layout := demo.Workbook(names, demo.Day(asOf))
	g.members(max(1, size.Members)) // owners are drawn from the members, even when the tab is left empty
	g.partnerNames(size.Partners)

	partners := retitle(layout[0], map[string]string{"Owner": "Relationship owner", "Stance": "stance", "Assessed on": "ASSESSED ON"})
	assets := retitle(layout[1], map[string]string{"Partner": "Connects to"})
	// The last column is the volunteers' own, which partnermap ignores.
	meetings := withColumn(retitle(layout[2], map[string]string{"Date": "Meeting date", "Done": "Completed", "Next step": "next_step"}), "Follow-up call notes")
	members := layout[3]
	tabs := []sheets.InputTab{partners, assets, meetings, members}
	for i := range tabs {
		tabs[i].Rows = nil
	}
	return &Generator{
		g:      g,
		layout: tabs,
		counts: [4]int{size.Partners, size.Assets, size.Meetings, size.Members},
		fills:  [4]func(int, func(string, sheets.Cell)){g.partnerRow, g.assetRow, g.meetingRow, g.memberRow},
	}
}

// Layout returns the four tabs (Partners, Assets, Meetings, Members) with their headers,
// notes, widths and dropdowns, and no rows.
func (w *Generator) Layout() []sheets.InputTab {
	out := make([]sheets.InputTab, len(w.layout))
	copy(out, w.layout)
	return out
}

// Rows yields every row of the four tabs, blank rows included, with the index of its tab
// in Layout: all of Partners first, then Assets, Meetings and Members. Each row is a new
// slice the caller may keep. The rows can be gone through once: they are drawn from the
// generator's one random stream.
func (w *Generator) Rows() iter.Seq2[int, []sheets.Cell] {
	return func(yield func(int, []sheets.Cell) bool) {
		if w.used {
			panic("workload: the rows of a Generator can be gone through once")
		}
		w.used = true
		for t, tab := range w.layout {
			for row := range w.g.rows(tab.Header, w.counts[t], w.fills[t]) {
				if !yield(t, row) {
					return
				}
			}
		}
	}
}

// Tables returns tabs as a backend reads them: the header row first, then the data rows.
func Tables(tabs []sheets.InputTab) map[string]*sheets.Table {
	out := make(map[string]*sheets.Table, len(tabs))
	for _, t := range tabs {
		rows := make([][]sheets.Cell, 0, len(t.Rows)+1)
		head := make([]sheets.Cell, len(t.Header))
		for i, h := range t.Header {
			head[i] = sheets.TextCell(h)
		}
		out[t.Name] = &sheets.Table{Name: t.Name, Rows: append(append(rows, head), t.Rows...)}
	}
	return out
}

// retitle renames some columns of an input tab, as groups that made their own sheet do.
func retitle(t sheets.InputTab, to map[string]string) sheets.InputTab {
	t.Header = append([]string(nil), t.Header...)
	for i, h := range t.Header {
		if n, ok := to[h]; ok {
			t.Header[i] = n
		}
	}
	return t
}

func withColumn(t sheets.InputTab, header string) sheets.InputTab {
	t.Header = append(t.Header, header)
	t.Notes = append(t.Notes, "")
	t.Widths = append(t.Widths, 20)
	return t
}

type gen struct {
	r        *rand.Rand
	asOf     scoring.Date
	mess     Mess
	people   []string // member names
	partners []string // partner names, unique after folding
	owners   []string // owner of each partner
}

// rows yields n rows, each filled by fill through a setter that places a value under its
// canonical header, whatever the tab's column is called; a few blank rows come between them.
func (g *gen) rows(header []string, n int, fill func(i int, set func(col string, c sheets.Cell))) iter.Seq[[]sheets.Cell] {
	return func(yield func([]sheets.Cell) bool) {
		at := map[string]int{}
		for i, h := range header {
			at[canonical(h)] = i
		}
		for i := 0; i < n; i++ {
			if g.chance(g.mess.BlankRows) {
				if !yield(make([]sheets.Cell, len(header))) {
					return
				}
			}
			row := make([]sheets.Cell, len(header))
			fill(i, func(col string, c sheets.Cell) {
				j, ok := at[canonical(col)]
				if !ok {
					panic("workload: no column " + col)
				}
				row[j] = c
			})
			if !yield(trim(row)) {
				return
			}
		}
	}
}

// canonical maps a header and its aliases above to one key.
func canonical(h string) string {
	switch h {
	case "Relationship owner":
		return "owner"
	case "Connects to":
		return "partner"
	case "Meeting date":
		return "date"
	case "Completed":
		return "done"
	case "next_step":
		return "next step"
	}
	return strings.ToLower(h)
}

// trim drops trailing blank cells, as backends return ragged rows.
func trim(row []sheets.Cell) []sheets.Cell {
	n := len(row)
	for n > 0 && row[n-1].IsBlank() {
		n--
	}
	return row[:n:n]
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func text(s string) sheets.Cell { return sheets.TextCell(s) }

func num(v float64) sheets.Cell { return sheets.NumberCell(v) }

// date writes day d the way a volunteer might: a real date cell, or text in one of the
// forms partnermap reads (and, rarely, in none).
func (g *gen) date(d scoring.Date) sheets.Cell {
	if g.chance(g.mess.BadValues) {
		return text(g.pick([]string{"next Tuesday", "last spring", "tbd", "32/13/2026"}))
	}
	if !g.chance(g.mess.TextDates) {
		return sheets.DateCell(d.Time())
	}
	t := d.Time()
	switch g.r.IntN(4) {
	case 0:
		return text(t.Format("2006-01-02"))
	case 1:
		return text(t.Format("1/2/2006"))
	case 2:
		return text(t.Format("Jan 2, 2006"))
	default:
		return text(t.Format("2 Jan 2006"))
	}
}

// scale writes a 1–5 score as a number, a decimal, a word, or (rarely) out of range.
func (g *gen) scale() sheets.Cell {
	switch {
	case g.chance(0.1):
		return sheets.Cell{}
	case g.chance(g.mess.BadValues):
		return g.pick2(num(7), text("very high"))
	case g.chance(0.1):
		return text(g.pick([]string{"Low", "Medium", "High", "high"}))
	case g.chance(0.1):
		return num(float64(2+g.r.IntN(7)) / 2)
	}
	return num(float64(1 + g.r.IntN(5)))
}

func (g *gen) pick2(a, b sheets.Cell) sheets.Cell {
	if g.r.IntN(2) == 0 {
		return a
	}
	return b
}

// refer writes a reference to partner i as a volunteer types it: mostly right, sometimes in
// another case or with extra spaces, sometimes misspelt.
func (g *gen) refer(i int) string {
	name := g.partners[i]
	switch {
	case g.chance(g.mess.Typos):
		return typo(name, g.r)
	case g.chance(g.mess.CaseSpace):
		if g.r.IntN(2) == 0 {
			return strings.ToLower(name)
		}
		return " " + strings.Replace(name, " ", "  ", 1)
	}
	return name
}

// typo drops, doubles or swaps one letter of a word, the mistakes fast typing makes.
func typo(s string, r *rand.Rand) string {
	b := []byte(s)
	var letters []int
	for i := 1; i < len(b)-1; i++ {
		if b[i] >= 'a' && b[i] <= 'z' && b[i-1] != ' ' {
			letters = append(letters, i)
		}
	}
	if len(letters) == 0 {
		return s + "s"
	}
	i := letters[r.IntN(len(letters))]
	switch r.IntN(3) {
	case 0:
		return string(b[:i]) + string(b[i+1:])
	case 1:
		return string(b[:i+1]) + string(b[i:])
	default:
		b[i], b[i+1] = b[i+1], b[i]
		return string(b)
	}
}

var (
	firstNames = []string{"Maria", "Aisha", "Dev", "Tom", "Lena", "James", "Rosa", "Kwame", "Mei", "Omar",
		"Grace", "Luis", "Fatima", "Sam", "Nadia", "Ben", "Priya", "Carlos", "Hannah", "Yusuf",
		"Elena", "Marcus", "Ines", "Tariq", "Chloe", "Andre", "Sofia", "Ibrahim", "Ruth", "Diego",
		"Amara", "Noah", "Leila", "Ethan", "Zainab", "Owen", "Camila", "Jamal", "Ada", "Felix",
		"Hana", "Victor", "Esther", "Rafael", "Nora", "Kofi", "Irene", "Mateo", "Salma", "Paul"}
	lastNames = []string{"Lopez", "Johnson", "Patel", "Becker", "Kim", "Whitfield", "Okafor", "Rivera",
		"Nguyen", "Haddad", "Schmidt", "Garcia", "Mensah", "Cohen", "Silva", "Murphy", "Ali", "Rossi",
		"Tanaka", "Dubois", "Novak", "Osei", "Khan", "Ortiz", "Walsh", "Chen", "Adeyemi", "Moreau",
		"Jensen", "Romero", "Park", "Bianchi", "Mwangi", "Kaur", "Fischer", "Reyes", "Sato", "Abebe",
		"Costa", "Brennan", "Suleiman", "Lund", "Castillo", "Ivanova", "Baptiste", "Yilmaz", "Moyo",
		"Flores", "Hughes", "Takahashi"}
	places = []string{"Eastside", "Westside", "Northside", "Riverside", "Hillcrest", "Old Town",
		"Lakeview", "Southgate", "Harbor", "Midtown", "Greenwood", "Maple Heights", "Union Square",
		"Cedar Park", "Brookfield", "Fairview", "Ironbridge", "Bayview", "Elmwood", "Central"}
	orgKinds = []string{"Tenants Union", "Faith Coalition", "Chamber of Commerce", "Hospital Workers",
		"Library Friends", "Neighborhood Association", "Food Co-op", "Arts Council", "Youth Collective",
		"Community Health Center", "Parents Network", "Credit Union", "Mutual Aid", "Seniors Club",
		"Bike Coalition", "Small Business Alliance", "Immigrant Rights Project", "Legal Aid Society",
		"Teachers Local", "Housing Trust"}
	titles   = []string{"Pastor", "Councilmember", "Dr.", "Rabbi", "Imam", "Senator", "Principal", "Coach"}
	types    = []string{"Organization", "Organization", "Organization", "Individual", "Elected official", "Media", "Business", "Faith", "Union"}
	stances  = []string{"Strongly opposes", "Opposes", "Neutral", "Supports", "Strongly supports", "supports"}
	stages   = []string{"Prospect", "Contacted", "Met", "Transactional", "Collaborating", "Coalition", "met", "Dormant"}
	meetings = []string{"1-1", "1-1", "1-1", "Event", "Joint action", "Coalition meeting", "Call", "Email", "call"}
	roles    = []string{"Attended", "Attended", "Co-sponsored", "Co-led", "Led"}
	asks     = []string{"Introduce us to their organizer", "Come to the hearing", "Co-sponsor the forum",
		"Share our action alert", "A second meeting", "Sign the letter"}
	steps = []string{"Send the one-pager", "Confirm turnout numbers", "Share the hearing script",
		"Book the community room", "Draft the joint statement", "Call back after their board meets"}
	categories = []string{"Organizational relationship", "Significant individual", "Skill", "Reach", "Physical"}
	strengths  = []string{"Weak", "Medium", "Strong", "strong"}
)

func (g *gen) members(n int) {
	g.people = make([]string, n)
	for i := range g.people {
		g.people[i] = firstNames[i%len(firstNames)] + " " + lastNames[(i/len(firstNames)+i)%len(lastNames)]
		if i >= len(firstNames)*len(lastNames) {
			g.people[i] += fmt.Sprintf(" %d", i/(len(firstNames)*len(lastNames))+1)
		}
	}
}

// partnerNames makes n names, unique after folding: organizations named for a place and a
// kind, and people with a title; later ones carry a chapter number, as big networks do.
func (g *gen) partnerNames(n int) {
	g.partners = make([]string, n)
	g.owners = make([]string, n)
	orgs := len(places) * len(orgKinds)
	people := len(titles) * len(firstNames) * len(lastNames)
	for i := range n {
		var name string
		if i%5 == 4 { // every fifth partner is a person
			k := (i / 5) % people
			name = titles[k%len(titles)] + " " + firstNames[(k/len(titles))%len(firstNames)] + " " +
				lastNames[(k/len(titles)/len(firstNames)+k)%len(lastNames)]
			if c := i / 5 / people; c > 0 {
				name += fmt.Sprintf(" (%d)", c+1)
			}
		} else {
			k := i - i/5
			name = places[k%len(places)] + " " + orgKinds[(k/len(places))%len(orgKinds)]
			if c := k / orgs; c > 0 {
				name += fmt.Sprintf(" %d", c+1)
			}
		}
		g.partners[i] = name
		g.owners[i] = g.people[g.r.IntN(len(g.people))]
	}
}

func (g *gen) partnerRow(i int, set func(string, sheets.Cell)) {
	name := g.partners[i]
	if i > 0 && g.chance(g.mess.Duplicates) {
		name = strings.ToUpper(g.partners[g.r.IntN(i)]) // entered again by someone else
	}
	set("Name", text(name))
	set("Type", text(g.pick(types)))
	switch owner := g.owners[i]; {
	case g.chance(0.05):
	case g.chance(g.mess.CaseSpace):
		set("Owner", text(strings.ToLower(owner)+" "))
	default:
		set("Owner", text(owner))
	}
	switch {
	case g.chance(0.05):
	case g.chance(g.mess.BadValues):
		set("Stance", text("it depends"))
	case g.chance(0.35):
		set("Stance", num(float64(g.r.IntN(5)-2)))
	default:
		set("Stance", text(g.pick(stances)))
	}
	for _, col := range []string{"Influence", "Trust", "Impact", "Capacity", "Alignment"} {
		set(col, g.scale())
	}
	if g.chance(0.02) {
		set("Ring", num(float64(1+g.r.IntN(5))))
	}
	set("Stage", text(g.pick(stages)))
	if g.chance(0.05) {
		set("Status", text("Inactive"))
	} else if g.chance(0.5) {
		set("Status", text("Active"))
	}
	if g.chance(0.03) {
		set("Endorses candidates", text("yes"))
	} else if g.chance(0.5) {
		set("Endorses candidates", text("no"))
	}
	if !g.chance(0.1) {
		set("Assessed by", text(g.owners[i]))
		set("Assessed on", g.date(g.asOf.AddDays(-g.r.IntN(500))))
	}
	if g.chance(0.4) {
		set("Goals", text("Keep families in the neighborhood"))
		set("Self-interest", text("More members at hearings"))
		set("Represents", text(fmt.Sprintf("%d households", 50+g.r.IntN(5000))))
	}
	if g.chance(0.2) {
		set("Notes", text("Met at the spring fair; prefers calls to email"))
	}
}

func (g *gen) assetRow(i int, set func(string, sheets.Cell)) {
	p := g.r.IntN(len(g.partners))
	set("Member", text(g.owners[p]))
	set("Category", text(g.pick(categories)))
	set("Asset", text(fmt.Sprintf("Knows the director of %s", g.partners[p])))
	if !g.chance(0.15) {
		set("Partner", text(g.refer(p)))
	}
	switch {
	case g.chance(g.mess.BadValues):
		set("Strength", num(4))
	case g.chance(0.3):
		set("Strength", num(float64(1+g.r.IntN(3))))
	case g.chance(0.9):
		set("Strength", text(g.pick(strengths)))
	}
}

// meetingRow writes meeting i of partner i%n, so every partner has about the same number of
// meetings, spread over the last 400 days with a few planned ahead.
func (g *gen) meetingRow(i int, set func(string, sheets.Cell)) {
	n := len(g.partners)
	p := i % n
	day := g.asOf.AddDays(14 - g.r.IntN(414))
	set("Date", g.date(day))
	if g.chance(g.mess.Unknown) {
		set("Partner", text(fmt.Sprintf("%s Block Club", g.pick(places))))
	} else {
		set("Partner", text(g.refer(p)))
	}
	if g.chance(0.7) {
		set("Member", text(g.owners[p]))
	}
	kind := g.pick(meetings)
	set("Type", text(kind))
	if kind == "Event" || kind == "Joint action" || kind == "Coalition meeting" {
		set("Role", text(g.pick(roles)))
	}
	if g.chance(0.3) {
		set("Success looks like", text("A safer crossing by the school"))
		set("Self-interests", text("Their members priced out of the city"))
	}
	if g.chance(0.4) {
		set("Ask", text(g.pick(asks)))
		set("Ask outcome", text(g.pick([]string{"Yes", "No", "Pending", "yes"})))
	}
	if g.chance(g.mess.NewLeadRate) {
		set("Introductions", text(g.pick(titles)+" "+g.pick(lastNames)+"; "+g.pick(places)+" "+g.pick(orgKinds)))
	}
	if g.chance(0.4) {
		set("Next step", text(g.pick(steps)))
		if g.chance(0.6) {
			set("Due", g.date(day.AddDays(7+g.r.IntN(21))))
		}
		switch g.r.IntN(5) {
		case 0:
			set("Done", text("x"))
		case 1:
			set("Done", text("✓"))
		case 2:
			set("Done", sheets.BoolCell(true))
		case 3:
			set("Done", text("no"))
		}
	}
	if g.chance(0.1) {
		set("Notes", text("Long conversation; they asked us to come back after their board meets"))
	}
	if g.chance(0.05) {
		set("Follow-up call notes", text("left a voicemail"))
	}
}

func (g *gen) memberRow(i int, set func(string, sheets.Cell)) {
	set("Name", text(g.people[i]))
	set("Email", text(strings.ToLower(strings.ReplaceAll(g.people[i], " ", "."))+"@example.org"))
	if i%10 == 0 {
		set("Role", text("Leader"))
	} else {
		set("Role", text("Member"))
	}
	if g.chance(0.3) {
		set("Max relationships", num(float64(4+g.r.IntN(60))))
	}
}
