// Package brief writes the one-page prep sheet for a one-to-one with a partner: what we know
// (their profile, meeting history, open next steps, who knows them) and the method's
// questions to ask, in Markdown or as HTML that prints on one A4 or Letter page.
package brief

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	ttemplate "text/template"
	"unicode/utf8"

	"github.com/partnermap/partnermap/profile"
	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/scoring"
)

// Bounds that keep the sheet on one page: a prep sheet is read before the meeting, the
// Profiles tab and the Meetings tab hold the rest.
const (
	maxText     = 120 // characters of one field
	maxHint     = 40  // characters of what we noted, beside a question
	maxItem     = 90  // characters of one open step, warm path or introduction
	maxMeetings = 3   // latest meetings shown
	maxItems    = 3   // warm paths, introductions, open steps
)

// Sheet is what the templates show.
type Sheet struct {
	Partner, Subtitle, AsOf string
	NextMove                string
	Known                   []Field  // the profile's fields, in the order of the method
	OpenSteps, WarmPaths    []string // "Send the budget (due …, 69 days overdue)"
	Intros                  []string
	Meetings                []Met
	EarlierMeetings         int // past the ones shown
	Questions               []Question
}

// Field is one thing we know, e.g. "Success looks like".
type Field struct{ Name, Value string }

// Met is one row of the meeting history.
type Met struct {
	Date, Kind, Member, Ask, Step string
}

// Question is one of the method's questions, with what we already know as a hint.
type Question struct{ Topic, Ask, Hint string }

// Of builds the sheet of one profile as of day asOf.
func Of(p *profile.Profile, asOf scoring.Date) Sheet {
	s := Sheet{
		Partner:  p.Partner.Name,
		AsOf:     asOf.String(),
		NextMove: p.NextMove,
	}
	parts := []string{}
	if t := strings.TrimSpace(p.Partner.Type); t != "" {
		parts = append(parts, t)
	}
	if p.Owner != "" {
		parts = append(parts, "owner "+p.Owner)
	}
	parts = append(parts, fmt.Sprintf("ring %d %s", p.Ring, scoring.RingName(p.Ring)), p.Quadrant.String())
	if p.Partner.Stage != "" {
		parts = append(parts, "stage "+string(p.Partner.Stage))
	}
	s.Subtitle = strings.Join(parts, " · ")

	said := func(x profile.Said) string {
		if x.Text == "" {
			return ""
		}
		return fmt.Sprintf("%s (%s)", x.Text, x.Date)
	}
	add := func(name string, values ...string) {
		var kept []string
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" && !containsFold(kept, v) {
				kept = append(kept, v)
			}
		}
		if len(kept) > 0 {
			s.Known = append(s.Known, Field{name, clip(strings.Join(kept, " — "), maxText)})
		}
	}
	add("Success looks like", said(p.Success))
	add("Self-interest", p.SelfInterest, said(p.MetSelfInterest))
	add("Goals", p.Goals)
	add("Represents", p.Represents)
	add("Constraints", p.Constraints)
	add("Last ask", render.LastAsk(p.LastAsk))
	add("Notes", p.Notes, said(p.LastNotes))

	s.OpenSteps = firstItems(render.StepLines(p.OpenSteps, asOf))
	s.WarmPaths = firstItems(render.PathLines(p.WarmPaths))
	s.Intros = firstItems(render.IntroLines(p.Introductions))
	for i, m := range p.Meetings {
		if i == maxMeetings {
			s.EarlierMeetings = len(p.Meetings) - maxMeetings
			break
		}
		s.Meetings = append(s.Meetings, met(m, asOf))
	}
	s.Questions = questions(p)
	return s
}

func met(m *scoring.Meeting, asOf scoring.Date) Met {
	x := Met{Date: m.Date.String(), Kind: string(m.Type), Member: strings.TrimSpace(m.Member)}
	if m.Date > asOf {
		x.Date += " (planned)"
	}
	if x.Kind == "" {
		x.Kind = string(scoring.OneToOne)
	}
	if ask := strings.TrimSpace(m.Ask); ask != "" {
		outcome := m.AskOutcome
		if outcome == "" {
			outcome = "no outcome"
		}
		x.Ask = clip(ask, maxHint) + " → " + outcome
	}
	if step := strings.TrimSpace(m.NextStep); step != "" {
		x.Step = clip(step, maxHint)
		if m.Done {
			x.Step += " ✓"
		}
	}
	return x
}

// questions are the method's questions for a one-to-one (listen first: their goals and
// self-interest, capacity and constraints, who they represent, what success looks like;
// then a small ask and who else we should meet), each with what we already know.
func questions(p *profile.Profile) []Question {
	know := func(texts ...string) string {
		for _, t := range texts {
			if t = strings.TrimSpace(t); t != "" {
				return "We noted: " + clip(t, maxHint)
			}
		}
		return "Nothing on record yet: listen and write it down."
	}
	ask := "an introduction, a second meeting, or an invitation to an event"
	switch {
	case p.LastAsk != nil && p.LastAsk.AskOutcome == "Pending":
		ask = "first, the answer to our last ask: " + clip(strings.TrimSpace(p.LastAsk.Ask), maxHint)
	case p.LastAsk != nil && p.LastAsk.AskOutcome == "No":
		ask = "they said no to " + clip(strings.TrimSpace(p.LastAsk.Ask), maxHint) + ": listen again, then try a different, smaller ask"
	}
	intro := "They have not offered introductions yet."
	if n := len(p.Introductions); n > 0 {
		names := make([]string, 0, n)
		for _, in := range p.Introductions {
			names = append(names, in.Name)
		}
		intro = "Already offered: " + clip(strings.Join(names, ", "), maxHint)
	}
	return []Question{
		{"Their goals", "What are you working on this year? Where do our goals overlap, and where might they pull apart?", know(p.Goals)},
		{"Self-interest", "Why does this work matter to you?", know(p.MetSelfInterest.Text, p.SelfInterest)},
		{"Capacity and constraints", "What capacity do you have for new work? What would make it hard?", know(p.Constraints)},
		{"Who they represent", "Who do you answer to, and how do they decide?", know(p.Represents)},
		{"What success looks like", "What would success look like for your community? Confirm: \"I heard success looks like …, is that right?\"", know(p.Success.Text)},
		{"A small ask", "End with something small: " + ask + ".", ""},
		{"Who else we should meet", "Who else should we talk to? Would you introduce us?", intro},
	}
}

// clip shortens a long text to n characters, so one field cannot push the sheet onto a
// second page; the whole text is in the Profiles tab.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	return strings.TrimRight(string(r), " ,;.") + "…"
}

// firstItems keeps the first maxItems items, each clipped, and says how many more there are.
func firstItems(items []string) []string {
	out := make([]string, 0, min(len(items), maxItems+1))
	for i, it := range items {
		if i == maxItems {
			return append(out, fmt.Sprintf("and %d more (see the Profiles tab)", len(items)-maxItems))
		}
		out = append(out, clip(it, maxItem))
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}

// Markdown writes the sheet as Markdown.
func Markdown(w io.Writer, s Sheet) error {
	if err := mdTemplate.Execute(w, s); err != nil {
		return fmt.Errorf("brief: %w", err)
	}
	return nil
}

// HTML writes the sheet as one HTML page with print styles for one A4 or Letter page.
func HTML(w io.Writer, s Sheet) error {
	if err := htmlTemplate.Execute(w, s); err != nil {
		return fmt.Errorf("brief: %w", err)
	}
	return nil
}

// mdEscape keeps a volunteer's text from turning into Markdown markup (a table cell's bar,
// a leading #, emphasis).
func mdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "#", `\#`, "[", `\[`, "]", `\]`, "<", "&lt;")
	return r.Replace(s)
}

var mdTemplate = ttemplate.Must(ttemplate.New("md").Funcs(ttemplate.FuncMap{
	"md":  mdEscape,
	"inc": func(i int) int { return i + 1 },
}).Parse(mdText))

var htmlTemplate = template.Must(template.New("html").Funcs(template.FuncMap{
	"overdue": func(step string) bool { return strings.HasSuffix(step, " overdue)") },
}).Parse(htmlText))
