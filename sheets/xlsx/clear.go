package xlsx

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Clearing a managed tab in place, rather than deleting and recreating it,
// keeps its position, its marker and every other sheet-scoped defined name
// exactly where they are. It is done on the raw parts before excelize loads
// anything: excelize's DeleteSheet loads and re-encodes every worksheet of the
// workbook (to reset tab selection), which would rewrite the volunteers' tabs
// and take seconds on a large workbook.

const (
	contentTypesPart = "[Content_Types].xml"
	calcChainPart    = "xl/calcChain.xml"
	relTypeWorksheet = "/worksheet"
)

// emptyWorksheet is the worksheet a cleared tab starts from.
func emptyWorksheet(selected bool) []byte {
	view := `<sheetView workbookViewId="0"/>`
	if selected {
		view = `<sheetView tabSelected="1" workbookViewId="0"/>`
	}
	return []byte(xml.Header + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<sheetViews>` + view + `</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData/></worksheet>`)
}

// clearSheets empties the named worksheets: their cells, formats, drawings,
// comments and tables go, along with the parts only they used and their
// entries in the calculation chain. It must run before excelize loads any
// of these parts.
func clearSheets(f *excelize.File, lay layout, names []string) error {
	if len(names) == 0 {
		return nil
	}
	list := f.GetSheetList()
	active := 0
	if bv := f.WorkBook.BookViews; bv != nil && len(bv.WorkBookView) > 0 {
		active = bv.WorkBookView[0].ActiveTab
	}
	sheetIDs := map[int]bool{}
	orphans := map[string]bool{}
	for _, name := range names {
		partName, ok := lay.sheets[name]
		if !ok {
			return fmt.Errorf("tab %q has no worksheet part", name)
		}
		if !strings.HasSuffix(lay.sheetTypes[name], relTypeWorksheet) {
			return fmt.Errorf("tab %q is a chart sheet or macro sheet, not a worksheet, so it cannot be replaced: rename it", name)
		}
		if err := collectSubtree(f, partName, orphans); err != nil {
			return err
		}
		selected := false
		for i, n := range list {
			if n == name {
				selected = i == active
			}
		}
		f.Pkg.Store(partName, emptyWorksheet(selected))
		f.Sheet.Delete(partName)
		rels := relsPathOf(partName)
		f.Pkg.Delete(rels)
		f.Relationships.Delete(rels)
		for _, s := range f.WorkBook.Sheets.Sheet {
			if s.Name == name {
				sheetIDs[s.SheetID] = true
			}
		}
	}

	// Parts the cleared sheets used that nothing else reaches are dropped, so
	// that a chart redrawn on every sync does not leave one more orphan behind.
	reachable, err := reachableParts(f)
	if err != nil {
		return err
	}
	removed := map[string]bool{}
	for p := range orphans {
		if reachable[p] {
			continue
		}
		f.Pkg.Delete(p)
		f.Pkg.Delete(relsPathOf(p))
		f.Relationships.Delete(relsPathOf(p))
		removed["/"+p] = true
	}

	if dropChain := pruneCalcChain(f, sheetIDs); dropChain {
		f.Pkg.Delete(calcChainPart)
		removed["/"+calcChainPart] = true
		if err := dropRels(f, lay.workbook, func(r rel) bool { return strings.HasSuffix(r.Type, "/calcChain") }); err != nil {
			return err
		}
	}
	return dropOverrides(f, removed)
}

// collectSubtree adds every package part reachable from partName's
// relationships to set.
func collectSubtree(f *excelize.File, partName string, set map[string]bool) error {
	rels, err := readRels(f, partName)
	if err != nil {
		return err
	}
	for _, r := range rels {
		if !r.internal() {
			continue
		}
		t := resolve(partName, r.Target)
		if set[t] {
			continue
		}
		set[t] = true
		if err := collectSubtree(f, t, set); err != nil {
			return err
		}
	}
	return nil
}

// reachableParts returns every part reachable from the package relationships.
func reachableParts(f *excelize.File) (map[string]bool, error) {
	seen := map[string]bool{}
	if err := collectSubtree(f, "", seen); err != nil {
		return nil, err
	}
	return seen, nil
}

// pruneCalcChain drops the calculation-chain entries of the given sheets and
// reports whether the chain is now empty and must be removed.
func pruneCalcChain(f *excelize.File, sheetIDs map[int]bool) bool {
	cc := f.CalcChain
	if cc == nil || len(cc.C) == 0 {
		return false
	}
	kept := cc.C[:0]
	cur, changed := 0, false
	for _, c := range cc.C {
		// An entry without a sheet id belongs to the sheet of the entry before it.
		if c.I != 0 {
			cur = c.I
		}
		c.I = cur
		if sheetIDs[cur] {
			changed = true
			continue
		}
		kept = append(kept, c)
	}
	cc.C = kept
	if changed && len(kept) == 0 {
		f.CalcChain = nil
		return true
	}
	return false
}

// dropRels removes the relationships of partName that match drop.
func dropRels(f *excelize.File, partName string, drop func(rel) bool) error {
	relsPath := relsPathOf(partName)
	data, ok := part(f, relsPath)
	if !ok {
		return nil
	}
	rels, err := parseRels(data, partName)
	if err != nil {
		return err
	}
	kept := rels[:0]
	for _, r := range rels {
		if !drop(r) {
			kept = append(kept, r)
		}
	}
	out, err := xml.Marshal(relsDoc{Rels: kept})
	if err != nil {
		return fmt.Errorf("write relationships of %s: %w", partName, err)
	}
	f.Pkg.Store(relsPath, append([]byte(xml.Header), out...))
	// excelize re-reads the edited part the next time it needs it.
	f.Relationships.Delete(relsPath)
	return nil
}

// ctDoc is [Content_Types].xml.
type ctDoc struct {
	XMLName   xml.Name `xml:"http://schemas.openxmlformats.org/package/2006/content-types Types"`
	Defaults  []ctDefault
	Overrides []ctOverride
}

type ctDefault struct {
	XMLName     xml.Name `xml:"Default"`
	Extension   string   `xml:"Extension,attr"`
	ContentType string   `xml:"ContentType,attr"`
}

type ctOverride struct {
	XMLName     xml.Name `xml:"Override"`
	PartName    string   `xml:"PartName,attr"`
	ContentType string   `xml:"ContentType,attr"`
}

// dropOverrides removes the content types of removed parts ("/xl/...").
func dropOverrides(f *excelize.File, removed map[string]bool) error {
	if len(removed) == 0 {
		return nil
	}
	if ct := f.ContentTypes; ct != nil {
		for i := 0; i < len(ct.Overrides); i++ {
			if removed[ct.Overrides[i].PartName] {
				ct.Overrides = append(ct.Overrides[:i], ct.Overrides[i+1:]...)
				i--
			}
		}
		return nil
	}
	data, ok := part(f, contentTypesPart)
	if !ok {
		return nil
	}
	var doc struct {
		Defaults  []ctDefault  `xml:"Default"`
		Overrides []ctOverride `xml:"Override"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("read content types: %w", err)
	}
	out := ctDoc{Defaults: doc.Defaults}
	for _, o := range doc.Overrides {
		if !removed[o.PartName] {
			out.Overrides = append(out.Overrides, o)
		}
	}
	b, err := xml.Marshal(out)
	if err != nil {
		return fmt.Errorf("write content types: %w", err)
	}
	f.Pkg.Store(contentTypesPart, append([]byte(xml.Header), b...))
	return nil
}
