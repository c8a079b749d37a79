package decode

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// column is one column of an input tab as §2 names it.
type column struct {
	name     string
	aliases  []string
	required bool
}

// Fields of the Partners tab, indexes into partnerColumns.
const (
	pName = iota
	pType
	pOwner
	pStance
	pInfluence
	pTrust
	pImpact
	pCapacity
	pAlignment
	pRing
	pStage
	pStatus
	pEndorses
	pAssessedBy
	pAssessedOn
	pGoals
	pSelfInterest
	pRepresents
	pConstraints
	pNotes
)

func partnerColumns() []column {
	return []column{
		pName:         {name: "Name", aliases: []string{"Partner", "Organization", "Organisation"}, required: true},
		pType:         {name: "Type", aliases: []string{"Kind"}},
		pOwner:        {name: "Owner", aliases: []string{"Relationship owner"}},
		pStance:       {name: "Stance", aliases: []string{"Support", "Position"}},
		pInfluence:    {name: "Influence", aliases: []string{"Power"}},
		pTrust:        {name: "Trust", aliases: []string{"Legitimacy"}},
		pImpact:       {name: "Impact"},
		pCapacity:     {name: "Capacity"},
		pAlignment:    {name: "Alignment", aliases: []string{"Values alignment"}},
		pRing:         {name: "Ring", aliases: []string{"Ring override"}},
		pStage:        {name: "Stage", aliases: []string{"Depth"}},
		pStatus:       {name: "Status"},
		pEndorses:     {name: "Endorses candidates", aliases: []string{"Partisan"}},
		pAssessedBy:   {name: "Assessed by"},
		pAssessedOn:   {name: "Assessed on"},
		pGoals:        {name: "Goals"},
		pSelfInterest: {name: "Self-interest", aliases: []string{"Self-interests"}},
		pRepresents:   {name: "Represents"},
		pConstraints:  {name: "Constraints"},
		pNotes:        {name: "Notes"},
	}
}

// Fields of the Assets tab.
const (
	aMember = iota
	aCategory
	aAsset
	aPartner
	aStrength
	aNotes
)

func assetColumns() []column {
	return []column{
		aMember:   {name: "Member", aliases: []string{"Who"}, required: true},
		aCategory: {name: "Category", aliases: []string{"Type"}},
		aAsset:    {name: "Asset", aliases: []string{"Description"}, required: true},
		aPartner:  {name: "Partner", aliases: []string{"Connects to"}},
		aStrength: {name: "Strength", aliases: []string{"Tie"}},
		aNotes:    {name: "Notes"},
	}
}

// Fields of the Meetings tab.
const (
	mDate = iota
	mPartner
	mMember
	mType
	mRole
	mSuccess
	mSelfInterests
	mAsk
	mAskOutcome
	mIntroductions
	mNextStep
	mDue
	mDone
	mNotes
)

func meetingColumns() []column {
	return []column{
		mDate:          {name: "Date", aliases: []string{"Meeting date"}, required: true},
		mPartner:       {name: "Partner", required: true},
		mMember:        {name: "Member", aliases: []string{"Attendee", "Our attendee"}},
		mType:          {name: "Type", aliases: []string{"Meeting type"}},
		mRole:          {name: "Role", aliases: []string{"Partner role"}},
		mSuccess:       {name: "Success looks like", aliases: []string{"Their success"}},
		mSelfInterests: {name: "Self-interests", aliases: []string{"Self-interest"}},
		mAsk:           {name: "Ask"},
		mAskOutcome:    {name: "Ask outcome"},
		mIntroductions: {name: "Introductions", aliases: []string{"Connections"}},
		mNextStep:      {name: "Next step"},
		mDue:           {name: "Due", aliases: []string{"Next step due", "Due date"}},
		mDone:          {name: "Done", aliases: []string{"Completed"}},
		mNotes:         {name: "Notes"},
	}
}

// Fields of the Members tab.
const (
	uName = iota
	uEmail
	uRole
	uMax
	uDigest
)

func memberColumns() []column {
	return []column{
		uName:   {name: "Name", required: true},
		uEmail:  {name: "Email"},
		uRole:   {name: "Role"},
		uMax:    {name: "Max relationships"},
		uDigest: {name: "Digest"},
	}
}

// tab reads the rows of one input tab through column indexes resolved once from the header,
// and collects that tab's issues.
type tab struct {
	name   string
	spec   []column
	col    []int    // field → 0-based column, -1 when the tab has no such column
	head   []string // field → header as typed
	used   []int    // the columns partnermap reads, for telling blank rows
	issues []scoring.Issue
	at     []int // column of each issue, -1 for none, for ordering issues along a row
}

// writeListed writes items, each through quote, separated by commas; past the first most it
// says how many more there are instead, so a message stays one readable line.
func writeListed(b *strings.Builder, items []string, most int, quote func(string) string) {
	for i, s := range items {
		if i == most {
			fmt.Fprintf(b, ", … (%d more)", len(items)-most)
			return
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(s))
	}
}

// maxListed bounds the headers quoted when a required column is missing.
const maxListed = 20

// openTab resolves the header row of t against spec; ok is false when a required column is
// missing, in which case the tab yields no records.
func openTab(name string, t *sheets.Table, spec []column) (tb *tab, ok bool) {
	tb = &tab{name: name, spec: spec, col: make([]int, len(spec)), head: make([]string, len(spec))}
	for f := range tb.col {
		tb.col[f] = -1
	}
	lookup := make(map[string]int, 2*len(spec))
	for f, c := range spec {
		lookup[HeaderKey(c.name)] = f
		for _, a := range c.aliases {
			lookup[HeaderKey(a)] = f
		}
	}
	var header []sheets.Cell
	if len(t.Rows) > 0 {
		header = t.Rows[0]
	}
	var found []string
	var unknown []int // columns whose header names no column of spec
	for i, hc := range header {
		h := clean(text(hc))
		if h == "" {
			continue
		}
		found = append(found, h)
		f, known := lookup[HeaderKey(h)]
		if !known {
			unknown = append(unknown, i)
			continue
		}
		if prev := tb.col[f]; prev >= 0 {
			tb.add(scoring.SevWarning, 1, i, h, h, fmt.Sprintf("column %s (%q) is ignored: column %s (%q) already gives %s",
				columnLetter(i), quoted(h), columnLetter(prev), quoted(tb.head[f]), spec[f].name))
			continue
		}
		tb.col[f], tb.head[f] = i, h
		tb.used = append(tb.used, i)
	}
	// A near miss is matched only to a column the header row lacks: "Stnce" beside a
	// "Stance" is not a second Stance.
	near := make(map[int]columnGuess, len(unknown))
	for _, i := range unknown {
		if g, ok := tb.guess(clean(text(header[i]))); ok {
			near[i] = g
		}
	}
	ok = true
	explained := map[int]bool{}
	for f, c := range spec {
		if !c.required || tb.col[f] >= 0 {
			continue
		}
		ok = false
		hint := ""
		for _, i := range unknown {
			if g, is := near[i]; is && g.field == f && !explained[i] {
				explained[i] = true
				hint = fmt.Sprintf("column %s is headed %q: did you mean %s? Rename that header to %s", columnLetter(i),
					quoted(clean(text(header[i]))), g.spelled, g.spelled)
				break
			}
		}
		tb.add(scoring.SevError, 0, -1, c.name, "", missingProblem(c, found, hint))
	}
	for _, i := range unknown {
		if !explained[i] {
			tb.unknownHeader(i, clean(text(header[i])), near[i])
		}
	}
	return tb, ok
}

// missingProblem says which required column is missing, what it may be called, and what
// row 1 holds instead, so a volunteer can see a misspelt header at once; hint names a
// header that looks like a misspelling of it.
func missingProblem(c column, found []string, hint string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "required column %s is missing", c.name)
	if len(c.aliases) > 0 {
		fmt.Fprintf(&b, " (it may also be headed %s)", strings.Join(c.aliases, " or "))
	}
	if hint != "" {
		b.WriteString("; " + hint)
		return b.String()
	}
	if len(found) == 0 {
		b.WriteString(": row 1 has no headers; add a header row or run `partnermap init` on a new tab")
		return b.String()
	}
	b.WriteString("; row 1 has: ")
	writeListed(&b, found, maxListed, quoted)
	return b.String()
}

// columnLetter names a 0-based column as the sheet does: 0 → A, 26 → AA.
func columnLetter(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// cell returns field f of a row; a missing column or a short (ragged) row reads as blank.
func (t *tab) cell(row []sheets.Cell, f int) sheets.Cell {
	if c := t.col[f]; c >= 0 && c < len(row) {
		return row[c]
	}
	return sheets.Cell{}
}

// has reports whether the tab has a column for field f.
func (t *tab) has(f int) bool { return t.col[f] >= 0 }

// blankRow reports whether every column partnermap reads is blank in row. Other columns do
// not count, so a volunteer's own formula column filled down the sheet makes no rows.
func (t *tab) blankRow(row []sheets.Cell) bool {
	for _, c := range t.used {
		if c < len(row) && !isBlank(row[c]) {
			return false
		}
	}
	return true
}

// add records an issue of this tab at 0-based column col (-1 for none).
func (t *tab) add(sev scoring.Severity, row, col int, column, value, problem string) {
	t.issues = append(t.issues, scoring.Issue{
		Tab: t.name, Row: row, Column: column, Value: quoted(value), Problem: problem, Severity: sev,
	})
	t.at = append(t.at, col)
}

// bad records an issue about field f of a row, quoting the cell as typed.
func (t *tab) bad(sev scoring.Severity, row, f int, c sheets.Cell, problem string) {
	t.add(sev, row, t.col[f], t.head[f], c.String(), problem)
}

// duplicate reports a row whose name repeats the one in row firstRow; the first row is used.
func (t *tab) duplicate(sev scoring.Severity, n, f int, c sheets.Cell, firstRow int, firstName string) {
	t.bad(sev, n, f, c, fmt.Sprintf("duplicate of row %d (%s): the first row is used and this one is left out", firstRow, quoted(firstName)))
}

// missing records a row left out for lack of a required value in field f.
func (t *tab) missing(row, f int, problem string) {
	t.add(scoring.SevError, row, t.col[f], t.head[f], "", problem)
}

// sorted returns the tab's issues by row, then left to right along the row, as a volunteer
// reads the sheet; issues of one cell keep the order they were found in.
func (t *tab) sorted() []scoring.Issue {
	return t.appendSorted(make([]scoring.Issue, 0, len(t.issues)))
}

// appendSorted appends the tab's issues to dst in the order sorted gives.
func (t *tab) appendSorted(dst []scoring.Issue) []scoring.Issue {
	order := make([]int32, len(t.issues))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(t.issues[a].Row, t.issues[b].Row), cmp.Compare(t.at[a], t.at[b]))
	})
	for _, j := range order {
		dst = append(dst, t.issues[j])
	}
	return dst
}

// str returns field f as trimmed text.
func (t *tab) str(row []sheets.Cell, f int) string { return text(t.cell(row, f)) }

// read parses field f of a row. A blank cell gives ok false and no issue; a cell that
// cannot be read gives ok false and an error issue, so the value is treated as blank.
func read[T any](t *tab, row []sheets.Cell, n, f int, parse func(sheets.Cell) (T, error)) (v T, ok bool) {
	c := t.cell(row, f)
	if isBlank(c) {
		return v, false
	}
	v, err := parse(c)
	if err != nil {
		t.bad(scoring.SevError, n, f, c, err.Error())
		return v, false
	}
	return v, true
}

// scale reads a 1–5 score into a Maybe.
func (t *tab) scale(row []sheets.Cell, n, f int, parse func(sheets.Cell) (float64, error)) scoring.Maybe {
	if v, ok := read(t, row, n, f, parse); ok {
		return scoring.Some(v)
	}
	return scoring.Maybe{}
}

// date reads a date field in the sheet's date order.
func (t *tab) date(row []sheets.Cell, n, f int, order DateOrder) (scoring.Date, bool) {
	return read(t, row, n, f, func(c sheets.Cell) (scoring.Date, error) { return ParseDate(c, order) })
}
