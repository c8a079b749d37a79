package sync

import (
	"fmt"
	"strings"

	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// upgradeNotices says, once, what changed for a group that upgrades: the first sync whose
// previous Sync Status tab (written by an older version) lacks the open-next-steps row. A
// new workbook (no Sync Status yet) has nothing to upgrade from; with Sync Status turned off
// there is no record, so nothing is said.
func upgradeNotices(prev *sheets.Table, res scoring.Result) []string {
	if prev == nil {
		return nil
	}
	if _, ok := render.StatusValue(prev, render.CommitmentsItem); ok {
		return nil
	}
	steps := 0
	var partners []string
	for _, a := range res.Assessments {
		n := 0
		for _, s := range a.OpenSteps {
			if s.Earlier {
				n++
			}
		}
		if n > 0 {
			steps += n
			partners = append(partners, a.Partner.Name)
		}
	}
	if steps == 0 {
		return nil
	}
	who := strings.Join(partners, ", ")
	if len(partners) > 3 {
		who = strings.Join(partners[:3], ", ") + fmt.Sprintf(" and %d more", len(partners)-3)
	}
	return []string{fmt.Sprintf("New in this version: a Next step stays open until it is marked Done, "+
		"and a newer meeting no longer closes it. %s that older versions had dropped %s open again (%s) "+
		"and show in Follow-ups when due. To close one, type yes in the Done column of the latest Meetings row that carries it.",
		stepsWord(steps), isAre(steps), who)}
}

func stepsWord(n int) string {
	if n == 1 {
		return "1 undone next step"
	}
	return fmt.Sprintf("%d undone next steps", n)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
