package decode

import (
	"fmt"

	"github.com/partnermap/partnermap/campaign"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// Default names of the optional campaign tabs (§8).
const (
	DefaultCampaigns = "Campaigns"
	DefaultStances   = "Stances"
)

// Fields of the Campaigns tab.
const (
	cName = iota
	cTarget
	cGoal
	cStatus
	cDeadline
	cLead
)

func campaignColumns() []column {
	return []column{
		cName:     {name: "Campaign", aliases: []string{"Campaign name", "Name", "Issue"}, required: true},
		cTarget:   {name: "Target", aliases: []string{"Decision-maker", "Decision maker", "Target decision-maker"}},
		cGoal:     {name: "Goal"},
		cStatus:   {name: "Status"},
		cDeadline: {name: "Deadline", aliases: []string{"Due", "Due date"}},
		cLead:     {name: "Lead", aliases: []string{"Campaign lead"}},
	}
}

// Fields of the Stances tab.
const (
	sPartner = iota
	sCampaign
	sStance
	sInfluence
	sNotes
)

func stanceColumns() []column {
	return []column{
		sPartner:   {name: "Partner", aliases: []string{"Name", "Organization", "Organisation"}, required: true},
		sCampaign:  {name: "Campaign", required: true},
		sStance:    {name: "Stance", aliases: []string{"Support", "Position"}},
		sInfluence: {name: "Influence", aliases: []string{"Power"}},
		sNotes:     {name: "Notes"},
	}
}

// decodeCampaigns reads the optional Campaigns tab; with no such tab there are no campaigns.
func (d *decoder) decodeCampaigns(t *sheets.Table) []scoring.Issue {
	name := d.tabs.Campaigns
	if t == nil {
		return nil
	}
	tb, ok := openTab(name, t, campaignColumns())
	if !ok {
		d.res.Rows[name] = countRows(t)
		return tb.sorted()
	}
	idx := newIndex(len(t.Rows))
	out := make([]campaign.Campaign, 0, len(t.Rows))
	for n, row := range d.rows(tb, t) {
		nameCell := tb.cell(row, cName)
		if isBlank(nameCell) {
			tb.missing(n, cName, "this campaign row has no Campaign: name the campaign, or clear the row")
			continue
		}
		if d.example(tb, n, cName, nameCell, isExample) {
			continue
		}
		c := campaign.Campaign{Row: n, Name: text(nameCell)}
		c.Key = scoring.FoldName(c.Name)
		if first, dup := idx.add(c.Name, c.Key); dup {
			tb.duplicate(scoring.SevError, n, cName, nameCell, out[first].Row, out[first].Name)
			continue
		}
		c.Target = tb.str(row, cTarget)
		if c.Target != "" {
			c.TargetKey = scoring.FoldName(c.Target)
		} else {
			tb.add(scoring.SevInfo, n, tb.col[cTarget], tb.head[cTarget], "",
				"this campaign has no Target: name the decision-maker, so the map shows who the power is over")
		}
		c.Goal = tb.str(row, cGoal)
		c.Status = campaign.Active
		if v, ok := read(tb, row, n, cStatus, func(c sheets.Cell) (campaign.Status, error) { return campaign.ParseStatus(text(c)) }); ok {
			c.Status = v
		}
		c.Deadline, _ = tb.date(row, n, cDeadline, d.opts.DateOrder)
		if lc := tb.cell(row, cLead); !isBlank(lc) {
			c.Lead = text(lc)
			d.memberRef(tb, n, cLead, lc, c.Lead)
		}
		out = append(out, c)
	}
	d.res.Campaigns.Campaigns = out
	d.campaigns = idx
	return tb.sorted()
}

// decodeStances reads the optional Stances tab. A row needs a Partner and a Campaign that
// exist; a row naming a campaign's target that is not a partner gives the target's stance.
func (d *decoder) decodeStances(t *sheets.Table) []scoring.Issue {
	name := d.tabs.Stances
	if t == nil {
		return nil
	}
	tb, ok := openTab(name, t, stanceColumns())
	if !ok {
		d.res.Rows[name] = countRows(t)
		return tb.sorted()
	}
	if d.campaigns == nil {
		tb.add(scoring.SevWarning, 0, -1, "", "", fmt.Sprintf("there is no %s tab with campaigns, so these stances are not used: "+
			"add the tab (`partnermap init` does) or set tabs.campaigns", d.tabs.Campaigns))
	}
	targets := map[string]string{} // campaign key → target key
	for _, c := range d.res.Campaigns.Campaigns {
		targets[c.Key] = c.TargetKey
	}
	type pair struct{ campaign, partner string }
	seen := map[pair]int{} // → index into out
	out := make([]campaign.Stance, 0, len(t.Rows))
	const left = "the row is left out until it is fixed"
	for n, row := range d.rows(tb, t) {
		pc, cc := tb.cell(row, sPartner), tb.cell(row, sCampaign)
		if isBlank(pc) {
			tb.missing(n, sPartner, "this stance has no Partner: type the partner's name as in Partners, or clear the row; "+left)
			continue
		}
		if isBlank(cc) {
			tb.missing(n, sCampaign, "this stance has no Campaign: type the campaign's name as in Campaigns, or clear the row; "+left)
			continue
		}
		if d.example(tb, n, sPartner, pc, isExample) || d.example(tb, n, sCampaign, cc, isExample) {
			continue
		}
		s := campaign.Stance{Row: n, Partner: text(pc), Campaign: text(cc)}
		ck, known := d.campaignRef(tb, n, cc, s.Campaign)
		if !known {
			continue
		}
		s.CampaignKey = ck
		pk, known := d.stancePartner(tb, n, pc, s.Partner, targets[ck])
		if !known {
			continue
		}
		s.PartnerKey = pk
		if first, dup := seen[pair{ck, pk}]; dup {
			tb.bad(scoring.SevError, n, sPartner, pc, fmt.Sprintf("duplicate of row %d: %s already has a stance for %s there; the first row is used and this one is left out",
				out[first].Row, quoted(out[first].Partner), quoted(out[first].Campaign)))
			continue
		}
		s.Stance = tb.scale(row, n, sStance, ParseStance)
		s.Influence = tb.scale(row, n, sInfluence, ParseScale)
		s.Notes = tb.str(row, sNotes)
		seen[pair{ck, pk}] = len(out)
		out = append(out, s)
	}
	d.res.Campaigns.Stances = out
	return tb.sorted()
}

// campaignRef finds a Stances row's campaign; an unknown one is an error with the closest
// name, and the row is left out (it would override nothing).
func (d *decoder) campaignRef(tb *tab, n int, c sheets.Cell, name string) (key string, ok bool) {
	if d.campaigns == nil {
		return "", false
	}
	if key, ok := d.campaigns.lookup(&d.scratch, name); ok {
		return key, true
	}
	problem := fmt.Sprintf("no campaign named '%s'", quoted(name))
	if s := d.campaigns.suggest(&d.search, scoring.FoldName(name)); s != "" {
		problem += fmt.Sprintf(" — did you mean '%s'?", quoted(s))
	} else {
		problem += fmt.Sprintf(" in the %s tab: check the spelling, or add the campaign there.", d.tabs.Campaigns)
	}
	tb.bad(scoring.SevError, n, sCampaign, c, problem+rowLeftOut)
	return "", false
}

// stancePartner finds a Stances row's partner. The campaign's own target counts too, even
// when it is not a partner: its row gives the stance the target is drawn with.
func (d *decoder) stancePartner(tb *tab, n int, c sheets.Cell, name, targetKey string) (key string, ok bool) {
	if d.partners == nil {
		return scoring.FoldName(name), true
	}
	if key, ok := d.partners.lookup(&d.scratch, name); ok {
		return key, true
	}
	key = scoring.FoldName(name)
	if targetKey != "" && key == targetKey {
		return key, true
	}
	problem := fmt.Sprintf("no partner named '%s'", quoted(name))
	if s := d.partners.suggest(&d.search, key); s != "" {
		problem += fmt.Sprintf(" — did you mean '%s'?", quoted(s))
	} else {
		problem += fmt.Sprintf(" in the %s tab: check the spelling, or add the partner there.", d.tabs.Partners)
	}
	tb.bad(scoring.SevError, n, sPartner, c, problem+rowLeftOut)
	return "", false
}

// rowLeftOut ends the problem of a Stances row that names no known partner or campaign.
const rowLeftOut = " This row is left out until it is fixed."
