package decode

import (
	"fmt"
	"strconv"
	"strings"
)

// maxTabsListed bounds the tab names quoted when a named tab is missing.
const maxTabsListed = 15

// MissingTab says that the input tab name (config key tabs.<key>) is not in the spreadsheet,
// which holds the tabs existing (all of them, in order). When one of those looks like the
// tab meant — another case, a suffix a program added ("Partners.csv", as Gnumeric names a
// CSV's tab), a typing slip — it says to rename that tab or point tabs.<key> at it, and
// never to run `init`, which would add an empty tab beside the group's data.
func MissingTab(name, key string, existing []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "no tab named %q", name)
	if len(existing) == 0 {
		fmt.Fprintf(&b, ": run `partnermap init` to add the input tabs, or set tabs.%s to the name of your %s tab", key, key)
		return b.String()
	}
	b.WriteString("; the tabs are: ")
	writeListed(&b, existing, maxTabsListed, strconv.Quote)
	if like := closestTab(name, existing); like != "" {
		fmt.Fprintf(&b, ". %q looks like it: rename that tab to %s, or set tabs.%s: %q", like, name, key, like)
		return b.String()
	}
	fmt.Fprintf(&b, ". Run `partnermap init` to add the input tabs, or set tabs.%s to the name of your %s tab", key, key)
	return b.String()
}

// closestTab returns the existing tab most like name, or "" when none is: the same name in
// another case or spacing, the name with something added after it ("Partners.csv",
// "Partners (2)", "Partners 2025"), or a few typing slips away.
func closestTab(name string, existing []string) string {
	want := HeaderKey(name)
	if want == "" {
		return ""
	}
	best, bestScore := "", -1
	for _, t := range existing {
		key := HeaderKey(t)
		score := -1
		switch {
		case key == want:
			score = 100
		case strings.HasPrefix(key, want) && len(key)-len(want) <= 8:
			score = 90 - (len(key) - len(want))
		default:
			limit := typoLimit(len([]rune(want)))
			if d, ok := typoDistance([]rune(key), []rune(want), limit); ok && limit > 0 {
				score = 50 - d
			}
		}
		if score > bestScore {
			best, bestScore = t, score
		}
	}
	return best
}
