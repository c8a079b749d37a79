package xlsx

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/partnermap/partnermap/sheets"
)

func TestAnOutputTabSharingAPartWithAnInputTabIsNeverWritten(t *testing.T) {
	path := inputFixture(t)
	w := New(path, Options{Backups: 1})
	writeTabs(t, w, outTab)

	// Craft the workbook: the managed tab's relationship now points at the Partners part.
	const relsName = "xl/_rels/workbook.xml.rels"
	parts := partBytes(t, path)
	rels := string(parts[relsName])
	if !strings.Contains(rels, `Target="worksheets/sheet2.xml"`) {
		t.Fatalf("unexpected relationships: %s", rels)
	}
	rels = strings.Replace(rels, `Target="worksheets/sheet2.xml"`, `Target="worksheets/sheet1.xml"`, 1)
	must(t, os.WriteFile(path, rawZip(t, path, map[string]rawPart{relsName: {content: []byte(rels)}}), 0o644))
	before := readFile(t, path)
	partnersBefore := mustRead(t, New(path, Options{}), "Partners").Tables["Partners"]
	if len(partnersBefore.Rows) < 2 {
		t.Fatalf("the crafted workbook's Partners tab reads as %v", grid(partnersBefore.Rows))
	}

	w = New(path, Options{Backups: 1})
	err := w.Write(ctx, mustRead(t, w), []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("overwritten?")}}}, nil)
	if err == nil || !strings.Contains(err.Error(), "shares its worksheet part") || !strings.Contains(err.Error(), `"Partners"`) {
		t.Fatalf("err = %v, want a refusal naming the shared part and the Partners tab", err)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("the workbook was written")
	}
	assertNoTempFiles(t, path[:strings.LastIndex(path, "/")])
}
