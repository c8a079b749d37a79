package decode

import (
	"strings"
	"testing"

	"github.com/partnermap/partnermap/scoring"
)

// A misspelt header drops its whole column: every partner turned "No owner" and stances were
// guessed, without a word. Each header that names no column is a warning, with the column
// it was probably meant to be.
func TestMisspeltHeadersAreWarnedAboutWithTheColumnMeant(t *testing.T) {
	res := withEmpty(table("Partners",
		row("Name", "Relatonship owner", "Stnce", "Influence", "Influence (1-5)", "Phone", "Ownr"),
		row("Eastside Tenants Union", "Ana Ruiz", "Supports", 4, 5, "555-0100", "Bo"),
	))
	checkIssues(t, res.Issues,
		w("Partners", 1, "B", "Relatonship owner", "this column is ignored — did you mean Relationship owner (the Owner column)? Rename the header"),
		w("Partners", 1, "C", "Stnce", "did you mean Stance?"),
		// Influence is there already: a near miss is not a second Influence.
		w("Partners", 1, "E", "Influence (1-5)", "this column is ignored; that is fine for a column of your own"),
		w("Partners", 1, "F", "Phone", "this column is ignored; that is fine for a column of your own"),
		// Owner was guessed for column B already; one guess does not stop another.
		w("Partners", 1, "G", "Ownr", "did you mean Owner?"),
	)
	p := res.Records.Partners[0]
	if p.Owner != "" || p.Stance.Known {
		t.Errorf("a misspelt header must not be read as the column: owner %q stance %v", p.Owner, p.Stance)
	}
}

func TestAMissingRequiredColumnNamesTheHeaderThatLooksLikeIt(t *testing.T) {
	res := decodeAll(
		table("Partners", row("Nmae", "Stance"), row("Eastside Tenants Union", 1)),
		table("Assets", row("Member", "Asset")),
		table("Meetings", row("Dat", "Partnr", "Notes"), row("2026-11-23", "Eastside Tenants Union")),
	)
	checkIssues(t, res.Issues,
		e("Partners", 0, "Name", "", `required column Name is missing (it may also be headed Partner or Organization or Organisation); column A is headed "Nmae": did you mean Name? Rename that header to Name`),
		// Three letters are too few to guess from: "Dat" is only listed.
		e("Meetings", 0, "Date", "", `row 1 has: Dat, Partnr, Notes`),
		e("Meetings", 0, "Partner", "", `column B is headed "Partnr": did you mean Partner?`),
		w("Meetings", 1, "A", "Dat", "this column is ignored"),
	)
}

// The headers known are exactly the columns decoding reads, so a column added to a tab's
// table (by any feature) is never warned about, and every name and alias is known.
func TestEveryColumnAndAliasIsAKnownHeader(t *testing.T) {
	specs := map[string][]column{"Partners": partnerColumns(), "Assets": assetColumns(), "Meetings": meetingColumns(), "Members": memberColumns()}
	for tabName, spec := range specs {
		var header []any
		for _, c := range spec {
			header = append(header, c.name)
			for _, a := range c.aliases {
				header = append(header, a)
			}
		}
		tb, _ := openTab(tabName, table(tabName, header), spec)
		for _, is := range tb.issues {
			if is.Severity == scoring.SevWarning && is.Row == 1 && !strings.Contains(is.Problem, "already gives") {
				t.Errorf("%s: %s", tabName, is)
			}
		}
	}
}
