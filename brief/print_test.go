package brief

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/internal/longtest"
	"github.com/partnermap/partnermap/scoring"
)

// worstCase is a partner with every field as long as the sheet shows it and every list full.
func worstCase() Sheet {
	long := func(what string) string { return strings.Repeat(what+" ", 60) }
	var meetings []scoring.Meeting
	for i := range 8 {
		meetings = append(meetings, scoring.Meeting{Partner: "Eastside Tenants Union and Neighbourhood Housing Coalition",
			Date: asOf.AddDays(-12 * (i + 1)), Member: "Maria Lopez-Hernández", Type: scoring.CoalitionMeeting,
			Success: long("success"), SelfInterests: long("interest"), Notes: long("notes"),
			Ask: "Bring twenty members to the council hearing on the housing ordinance", AskOutcome: "Pending",
			NextStep: "Send the budget for the spring forum to the board " + string(rune('A'+i)), Due: asOf.AddDays(-6 * (i + 1)),
			Introductions: []string{"Reverend Lee of the Riverside congregation " + string(rune('A'+i))}})
	}
	var assets []scoring.Asset
	for i := range 7 {
		assets = append(assets, scoring.Asset{Member: "Ben Okafor " + string(rune('A'+i)), Asset: "Neighbour of the union's lead organizer on Fifth Street",
			Partner: "Eastside Tenants Union and Neighbourhood Housing Coalition", Strength: 2})
	}
	ps := scored(scoring.Records{
		Partners: []scoring.Partner{{Name: "Eastside Tenants Union and Neighbourhood Housing Coalition", Owner: "Maria Lopez-Hernández",
			Type: "Organization", Stage: scoring.StageCollaborating, Stance: scoring.Some(1), Influence: scoring.Some(4),
			Goals: long("goals"), SelfInterest: long("self"), Represents: long("represents"), Constraints: long("constraints"), Notes: long("note")}},
		Meetings: meetings, Assets: assets,
	})
	return Of(&ps[0], asOf)
}

// TestHTMLPrintsOnOnePage prints the fullest brief with headless Chromium on A4 and on
// Letter paper and counts the PDF's pages with pdfinfo.
func TestHTMLPrintsOnOnePage(t *testing.T) {
	longtest.Skip(t, "prints the brief with headless Chromium")
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (.ci/run installs it)")
	}
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Skip("pdfinfo (poppler-utils) is not installed")
	}
	var page bytes.Buffer
	if err := HTML(&page, worstCase()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, paper := range []string{"A4", "letter"} {
		t.Run(paper, func(t *testing.T) {
			html := strings.Replace(page.String(), "@page { margin: 10mm; }", "@page { size: "+paper+"; margin: 10mm; }", 1)
			if html == page.String() {
				t.Fatal("test premise: the page has no @page rule to size")
			}
			in := filepath.Join(dir, paper+".html")
			out := filepath.Join(dir, paper+".pdf")
			if err := os.WriteFile(in, []byte(html), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir="+filepath.Join(dir, "profile-"+paper), "--no-pdf-header-footer",
				"--print-to-pdf="+out, "file://"+in)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("chromium: %v\n%s", err, msg)
			}
			info, err := exec.CommandContext(ctx, "pdfinfo", out).CombinedOutput()
			if err != nil {
				t.Fatalf("pdfinfo: %v\n%s", err, info)
			}
			m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
			if m == nil || string(m[1]) != "1" {
				t.Errorf("the fullest brief prints on %s pages of %s paper, want 1\n%s", m, paper, info)
			}
		})
	}
}
