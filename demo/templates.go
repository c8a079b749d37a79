// Package demo holds the input tabs partnermap creates: their headers, the note on each
// column, the dropdown lists, one example row for a new group, and a believable demo
// coalition for a first look. Dates are relative to the as-of day so the demo stays current.
package demo

import (
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sheets"
)

// column is one input column: its header, the note shown on the header, and its dropdown list.
type column struct {
	header string
	note   string
	values []string
}

var yesNo = []string{"yes", "no"}

var partnerColumns = []column{
	{"Name", "The partner: an organization or a person. Each name once.", nil},
	{"Type", "Organization, Individual, Elected official, Media, Business, Faith, Union…", []string{"Organization", "Individual", "Elected official", "Media", "Business", "Faith", "Union"}},
	{"Owner", "The member who owns this relationship.", nil},
	{"Stance", "Where they stand on our issue: Strongly opposes … Strongly supports, or -2..2.", []string{"Strongly opposes", "Opposes", "Neutral", "Supports", "Strongly supports"}},
	{"Influence", "Influence over our target decision-maker, 1 (little) to 5 (a lot), or Low/Medium/High.", nil},
	{"Trust", "Trust and legitimacy they hold in the community, 1–5.", nil},
	{"Impact", "How much impact their work has, 1–5.", nil},
	{"Capacity", "Capacity to take on new work, 1–5.", nil},
	{"Alignment", "Alignment with our values and self-interests, 1–5.", nil},
	{"Ring", "Leave blank to let partnermap compute the ring; 1–5 to set it by hand.", nil},
	{"Stage", "How deep the partnership is.", []string{"Prospect", "Contacted", "Met", "Transactional", "Collaborating", "Coalition", "Merged", "Dormant"}},
	{"Status", "Inactive partners are left out of the summary tabs.", []string{"Active", "Inactive"}},
	{"Endorses candidates", "yes if they endorse candidates (matters for nonpartisan groups).", yesNo},
	{"Assessed by", "Who last set the scores in this row.", nil},
	{"Assessed on", "When the scores were last set (a date).", nil},
	{"Goals", "What they are working toward.", nil},
	{"Self-interest", "What they get out of working with us.", nil},
	{"Represents", "Who they are accountable to: their base.", nil},
	{"Constraints", "What limits what they can do.", nil},
	{"Notes", "", nil},
}

var assetColumns = []column{
	{"Member", "Who in our group holds this relationship or resource.", nil},
	{"Category", "One of the five asset-mapping categories.", []string{"Organizational relationship", "Significant individual", "Skill", "Reach", "Physical"}},
	{"Asset", "What it is, e.g. “board member of Eastside Tenants Union”.", nil},
	{"Partner", "The partner this gives us access to (its name as in Partners), or blank.", nil},
	{"Strength", "How strong the tie is: Weak, Medium (default) or Strong, or 1–3.", []string{"Weak", "Medium", "Strong"}},
	{"Notes", "", nil},
}

var meetingColumns = []column{
	{"Date", "When it happened (or is planned, if in the future).", nil},
	{"Partner", "Who we met: the name as in Partners.", nil},
	{"Member", "Who from our team went (blank: the partner's owner).", nil},
	{"Type", "1-1 (default), Event, Joint action, Coalition meeting, Call or Email.", []string{"1-1", "Event", "Joint action", "Coalition meeting", "Call", "Email"}},
	{"Role", "The partner's role in an event, joint action or coalition meeting.", []string{"Attended", "Co-sponsored", "Co-led", "Led"}},
	{"Success looks like", "What success looks like for them, in their words.", nil},
	{"Self-interests", "Their deeper motivations.", nil},
	{"Ask", "The small ask we made: an introduction, a second meeting, an invitation.", nil},
	{"Ask outcome", "", []string{"Yes", "No", "Pending"}},
	{"Introductions", "People or groups they offered to introduce us to, separated by ; or ,", nil},
	{"Next step", "The next step we agreed on.", nil},
	{"Due", "When the next step is due (blank: two weeks after the meeting).", nil},
	{"Done", "yes when the next step is done.", yesNo},
	{"Notes", "", nil},
}

var memberColumns = []column{
	{"Name", "A member of our group.", nil},
	{"Email", "", nil},
	{"Role", "", []string{"Leader", "Member"}},
	{"Max relationships", "How many partner relationships they can own (blank: 8).", nil},
	{"Digest", "no stops this member's weekly email of their follow-ups (blank: they get it).", yesNo},
}

var campaignColumns = []column{
	{"Campaign", "What we are trying to win, e.g. “Just-cause eviction ordinance”. Each name once.", nil},
	{"Target", "The decision-maker who can give us the win: a person or a body.", nil},
	{"Goal", "What winning looks like.", nil},
	{"Status", "Only Active campaigns are mapped; Won, Lost and Paused ones are kept.", []string{"Active", "Won", "Lost", "Paused"}},
	{"Deadline", "When the decision is made (a date).", nil},
	{"Lead", "The member leading the campaign.", nil},
}

var stanceColumns = []column{
	{"Partner", "The partner, as named in Partners (or the campaign's target, to place it on the map).", nil},
	{"Campaign", "The campaign, as named in Campaigns.", nil},
	{"Stance", "Where they stand on this campaign; blank: their Stance in Partners.", []string{"Strongly opposes", "Opposes", "Neutral", "Supports", "Strongly supports"}},
	{"Influence", "Their influence over this campaign's target, 1–5; blank: their Influence in Partners.", nil},
	{"Notes", "", nil},
}

// withLists makes the Stances tab's Partner and Campaign dropdowns list the names in the
// Partners and Campaigns tabs, so they grow as partners and campaigns are added.
func withLists(t sheets.InputTab, tabs config.Tabs) sheets.InputTab {
	t.Validations = append(t.Validations,
		sheets.Validation{Col: 0, ListTab: tabs.Partners, ListHeader: partnerColumns[0].header},
		sheets.Validation{Col: 1, ListTab: tabs.Campaigns, ListHeader: campaignColumns[0].header})
	return t
}

func inputTab(name string, cols []column, rows [][]sheets.Cell) sheets.InputTab {
	t := sheets.InputTab{Name: name, Rows: rows}
	for i, c := range cols {
		t.Header = append(t.Header, c.header)
		t.Notes = append(t.Notes, c.note)
		w := float64(len(c.header) + 4)
		if w < 12 {
			w = 12
		}
		t.Widths = append(t.Widths, w)
		if c.values != nil {
			t.Validations = append(t.Validations, sheets.Validation{Col: i, Values: c.values})
		}
	}
	return t
}

// Templates returns the input tabs with one example row each, for a group starting out.
func Templates(tabs config.Tabs, d Day) []sheets.InputTab {
	return []sheets.InputTab{
		inputTab(tabs.Partners, partnerColumns, [][]sheets.Cell{row(
			sheets.ExamplePrefix+"Eastside Tenants Union", "Organization", sheets.ExampleMember, "Supports", 4, 4, 3, 3, 4, "",
			"Prospect", "Active", "no", sheets.ExampleMember, d.ago(0), "Stop no-cause evictions", "More members at hearings",
			"Renters on the east side", "Volunteer-run", "Delete this example row")}),
		inputTab(tabs.Assets, assetColumns, [][]sheets.Cell{row(
			sheets.ExampleMember, "Organizational relationship", sheets.ExamplePrefix+"member of Eastside Tenants Union", sheets.ExamplePrefix+"Eastside Tenants Union", "Medium", "")}),
		inputTab(tabs.Meetings, meetingColumns, [][]sheets.Cell{row(
			d.ago(0), sheets.ExamplePrefix+"Eastside Tenants Union", sheets.ExampleMember, "1-1", "", "More renters at the council hearing",
			"Protecting their members", "An introduction to their organizer", "Pending", "", "Send our hearing one-pager", d.ago(-7), "no", "")}),
		inputTab(tabs.Members, memberColumns, [][]sheets.Cell{row(sheets.ExampleMember, "", "Leader", 8)}),
		inputTab(tabs.Campaigns, campaignColumns, [][]sheets.Cell{row(
			sheets.ExamplePrefix+"Just-cause eviction ordinance", sheets.ExamplePrefix+"City Council housing committee", "Pass it in committee", "Active", d.ago(-60), sheets.ExampleMember)}),
		withLists(inputTab(tabs.Stances, stanceColumns, [][]sheets.Cell{row(
			sheets.ExamplePrefix+"Eastside Tenants Union", sheets.ExamplePrefix+"Just-cause eviction ordinance", "Strongly supports", 3, "Delete this example row")}), tabs),
	}
}

// row turns values into cells: strings as text (numbers typed as text stay text, as a
// volunteer's typing would), sheets.Cell as is.
func row(values ...any) []sheets.Cell {
	cells := make([]sheets.Cell, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case string:
			cells[i] = sheets.TextCell(v)
		case sheets.Cell:
			cells[i] = v
		case int:
			cells[i] = sheets.IntCell(v)
		}
	}
	return cells
}
