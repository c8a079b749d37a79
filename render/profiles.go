package render

import (
	"fmt"
	"strings"

	"github.com/partnermap/partnermap/profile"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// profileText is the width of the Profiles tab's long-text columns: they wrap within it,
// the row growing taller, so nothing is cut and the tab does not run off sideways.
const profileText = 34

func profilesTab(name string, in Input) sheets.Tab {
	t := newTable(name,
		legend("What we know about each active partner, in Priorities order: what they told us, what we asked, what we promised. Dates in brackets are the meeting's.", in),
		[]string{"Partner", "Owner", "Ring", "Quadrant", "Goals", "Self-interest", "Represents", "Constraints",
			"Success looks like", "Last ask", "Open next steps", "Warm paths", "Introductions offered", "Last notes"},
		[]float64{26, 16, 6, 13, profileText, profileText, 24, 24, profileText, profileText, profileText, profileText, 24, profileText})
	t.tab.WrapCols = []int{4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	asOf := in.Result.AsOf
	profiles := in.profiles()
	for i := range profiles {
		p := &profiles[i]
		r := t.add(text(p.Partner.Name), text(p.Owner), num(p.Ring), text(p.Quadrant.String()),
			text(p.Goals), text(lines(p.SelfInterest, saidText(p.MetSelfInterest))), text(p.Represents), text(p.Constraints),
			text(saidText(p.Success)), text(LastAsk(p.LastAsk)), text(list(StepLines(p.OpenSteps, asOf))),
			text(list(PathLines(p.WarmPaths))), text(list(IntroLines(p.Introductions))),
			text(lines(p.Notes, saidText(p.LastNotes))))
		t.highlight(r, 3, QuadrantTone(p.Quadrant))
		if p.StepOverdue {
			t.highlight(r, 10, sheets.ToneAlert)
		}
	}
	return t.tab
}

func themesTab(name string, in Input) sheets.Tab {
	t := newTable(name,
		legend("Words and two-word phrases that two or more partners used for their Goals, Self-interest and Success looks like (common words left out; singular and plural counted as one). Review your one-to-ones together: similarities, trends, opportunities.", in),
		[]string{"Theme", "Partners", "Who said it"},
		[]float64{28, 10, 80})
	t.tab.WrapCols = []int{2}
	themes := profile.Themes(in.profiles())
	for _, th := range themes {
		t.add(text(th.Phrase), num(len(th.Partners)), text(strings.Join(th.Partners, ", ")))
	}
	if len(themes) == 0 {
		t.add(text(""), sheets.Cell{}, text("No word or phrase recurs across partners yet: write down Goals, Self-interest and Success looks like after each one-to-one."))
	}
	return t.tab
}

// list puts each item on its own line, bulleted when there are several, so items that wrap
// onto a second line still read apart.
func list(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return "• " + strings.Join(items, "\n• ")
}

// lines joins the non-blank texts, one per line.
func lines(texts ...string) string {
	var kept []string
	for _, s := range texts {
		if s != "" && !containsFold(kept, s) {
			kept = append(kept, s)
		}
	}
	return strings.Join(kept, "\n")
}

func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(strings.TrimSpace(l), strings.TrimSpace(s)) {
			return true
		}
	}
	return false
}

// saidText is what was said with the meeting's date, e.g. "Fewer evictions (2026-09-24)".
func saidText(s profile.Said) string {
	if s.Text == "" {
		return ""
	}
	return fmt.Sprintf("%s (%s)", s.Text, s.Date)
}

// LastAsk says the latest ask with its date and outcome, e.g. "Sign the letter (2026-11-03):
// Pending".
func LastAsk(m *scoring.Meeting) string {
	if m == nil {
		return ""
	}
	outcome := m.AskOutcome
	if outcome == "" {
		outcome = "no outcome recorded"
	}
	return fmt.Sprintf("%s (%s): %s", strings.TrimSpace(m.Ask), m.Date, outcome)
}

// StepLines says each open next step with its due date, and how late it is when overdue.
func StepLines(steps []scoring.Step, asOf scoring.Date) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		switch late := int(asOf - s.Due); {
		case late == 1:
			out[i] = fmt.Sprintf("%s (due %s, 1 day overdue)", s.Text, s.Due)
		case late > 1:
			out[i] = fmt.Sprintf("%s (due %s, %d days overdue)", s.Text, s.Due, late)
		default:
			out[i] = fmt.Sprintf("%s (due %s)", s.Text, s.Due)
		}
	}
	return out
}

// PathLines says who knows the partner and how, e.g. "Ana Ruiz: board member (strong tie)".
func PathLines(paths []*scoring.Asset) []string {
	out := make([]string, 0, len(paths))
	for _, a := range paths {
		s := strings.TrimSpace(a.Member)
		if what := strings.TrimSpace(a.Asset); what != "" {
			s += ": " + what
		}
		out = append(out, fmt.Sprintf("%s (%s tie)", s, TieWord(a.Strength)))
	}
	return out
}

// TieWord names a warm path's strength 1–3.
func TieWord(strength int) string {
	switch strength {
	case 1:
		return "weak"
	case 3:
		return "strong"
	}
	return "medium"
}

// IntroLines says each name offered, with when it was first offered.
func IntroLines(intros []profile.Intro) []string {
	out := make([]string, len(intros))
	for i, in := range intros {
		out[i] = fmt.Sprintf("%s (%s)", in.Name, in.Date)
	}
	return out
}
