package scoring

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// nextMove is the one thing to do next with a partner, following the deepening path of
// the method: follow up, meet, ask, go deeper, share leadership.
func nextMove(a *Assessment, f *facts, cfg Config, asOf Date) string {
	ask := a.LastAsk
	switch {
	case a.StepOverdue:
		return "Follow up: " + a.OpenSteps[0].Text
	case !f.met:
		return "Hold a one-to-one: learn what success looks like for them"
	case !a.LastContact.IsZero() && !f.asked:
		return "Make a small ask: an introduction or a second meeting"
	case ask != nil && ask.AskOutcome == "Pending" && int(asOf-ask.Date) > cfg.AnswerDays:
		return "Get an answer: " + strings.TrimSpace(ask.Ask)
	case ask != nil && ask.AskOutcome == "No":
		return "Listen again: find a different small ask"
	case a.Partner.Stage == StageTransactional && !a.FirstContact.IsZero() && int(asOf-a.FirstContact) > cfg.DeepenDays:
		return "Go deeper: co-sponsor an event or a joint action"
	case a.Ring == 2:
		return "Invite to share leadership"
	}
	return "Keep in touch"
}

// why explains the score in a volunteer's words, one clause per component with its points,
// e.g. "power 4.2 of 5 (+32); supports us (+1: +19); 2 warm paths via Ana, Ben (+13); next step
// 12 days overdue (+15)". A nonpartisan warning comes first.
func why(a *Assessment, cfg Config, asOf Date) string {
	pts := componentPoints(a, cfg)
	var b strings.Builder
	b.Grow(160)
	if a.Warning != "" {
		b.WriteString("Warning: ")
		b.WriteString(a.Warning)
		b.WriteString(". ")
	}

	if a.PowerKnown {
		b.WriteString("power ")
		b.WriteString(formatNum(a.Power))
		b.WriteString(" of 5")
	} else {
		b.WriteString("power unknown, counted as ")
		b.WriteString(formatNum(a.Power))
	}
	writePoints(&b, pts.power)

	b.WriteString("; ")
	switch {
	case !a.SupportKnown:
		b.WriteString("support unknown, counted as neutral")
		writePoints(&b, pts.support)
	case a.Partner.Stance.Known:
		b.WriteString(stanceWords(a.Support))
		b.WriteString(" (")
		b.WriteString(formatSigned(a.Support))
		b.WriteString(": ")
		b.WriteString(formatPoints(pts.support))
		b.WriteString(")")
	default:
		b.WriteString(stanceWords(a.Support))
		b.WriteString(" (from alignment ")
		b.WriteString(formatNum(a.Alignment.Value))
		b.WriteString(" of 5: ")
		b.WriteString(formatPoints(pts.support))
		b.WriteString(")")
	}

	b.WriteString("; ")
	if n := len(a.WarmPaths); n == 0 {
		b.WriteString("no warm path")
	} else {
		b.WriteString(strconv.Itoa(n))
		if n == 1 {
			b.WriteString(" warm path")
		} else {
			b.WriteString(" warm paths")
		}
		writeMembers(&b, a.WarmPaths)
	}
	writePoints(&b, pts.access)

	b.WriteString("; ")
	overdue, soon := stepCounts(a, cfg, asOf)
	switch {
	case a.StepOverdue:
		// OpenSteps[0] is the most overdue.
		if overdue == 1 {
			b.WriteString("next step ")
		} else {
			b.WriteString(strconv.Itoa(overdue))
			b.WriteString(" next steps overdue, the oldest by ")
		}
		b.WriteString(days(int(asOf - a.OpenSteps[0].Due)))
		if overdue == 1 {
			b.WriteString(" overdue")
		}
		if a.CheckInDue {
			b.WriteString(" and check-in ")
			b.WriteString(days(checkInDays(a, cfg, asOf)))
			b.WriteString(" overdue")
		}
	case a.CheckInDue:
		b.WriteString("check-in ")
		b.WriteString(days(checkInDays(a, cfg, asOf)))
		b.WriteString(" overdue")
	case a.StepDueSoon:
		// No step is overdue, so OpenSteps[0] is the first due.
		if soon == 1 {
			b.WriteString("next step due ")
		} else {
			b.WriteString(strconv.Itoa(soon))
			b.WriteString(" next steps due soon, the first ")
		}
		if first := a.OpenSteps[0].Due; first == asOf {
			b.WriteString("today")
		} else {
			b.WriteString("in ")
			b.WriteString(days(int(first - asOf)))
		}
	default:
		b.WriteString("nothing overdue")
	}
	writePoints(&b, pts.urgency)
	return b.String()
}

// stepCounts counts a partner's open steps that are overdue and due soon.
func stepCounts(a *Assessment, cfg Config, asOf Date) (overdue, soon int) {
	for _, s := range a.OpenSteps {
		switch {
		case s.Due < asOf:
			overdue++
		case s.Due <= asOf.AddDays(cfg.SoonDays):
			soon++
		}
	}
	return overdue, soon
}

func checkInDays(a *Assessment, cfg Config, asOf Date) int {
	return int(asOf-a.LastContact) - cadence(a.Ring, cfg)
}

// writeMembers names the members behind the warm paths, each once, at most three.
func writeMembers(b *strings.Builder, paths []*Asset) {
	const most = 3
	var names, keys [most]string // keys[i] is FoldName(names[i]), folded once
	n, more := 0, 0
	for _, p := range paths {
		m := strings.TrimSpace(p.Member)
		if m == "" {
			continue
		}
		k := FoldName(m)
		switch {
		case slices.Contains(keys[:n], k):
		case n < most:
			names[n], keys[n] = m, k
			n++
		default:
			more++ // may count a member twice beyond the first three; close enough for a hint
		}
	}
	if n == 0 {
		return
	}
	b.WriteString(" via ")
	b.WriteString(strings.Join(names[:n], ", "))
	if more > 0 {
		b.WriteString(" and ")
		b.WriteString(strconv.Itoa(more))
		b.WriteString(" more")
	}
}

// stanceWords says where a partner stands on our issue.
func stanceWords(s float64) string {
	switch {
	case s >= 1.5:
		return "strongly supports us"
	case s > 0:
		return "supports us"
	case s == 0:
		return "neutral"
	case s > -1.5:
		return "opposes us"
	}
	return "strongly opposes us"
}

func writePoints(b *strings.Builder, p float64) {
	b.WriteString(" (")
	b.WriteString(formatPoints(p))
	b.WriteString(")")
}

// formatPoints shows a component's points rounded like the score, e.g. "+19".
func formatPoints(p float64) string {
	n := roundHalfUp(p)
	if n < 0 {
		return strconv.Itoa(n)
	}
	return "+" + strconv.Itoa(n)
}

// formatNum shows a number with at most one decimal: 4.2, 3.
func formatNum(v float64) string {
	r := math.Round(v*10) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// formatSigned shows a stance with its sign: +1, -0.5, 0.
func formatSigned(v float64) string {
	s := formatNum(v)
	if v > 0 && s != "0" {
		return "+" + s
	}
	return s
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}
