package xlsx

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// sheetExtras sets what the stream writer copies from the worksheet as it stands when
// the writer is made: hidden columns and conditional formats. It runs on the new or
// cleared sheet before its rows are streamed.
func (r *renderer) sheetExtras(t sheets.Tab) error {
	for _, col := range t.HiddenCols {
		if col < 0 || col >= maxColumns {
			continue
		}
		name := sheets.ColumnName(col)
		if err := r.f.SetColVisible(t.Name, name, false); err != nil {
			return fmt.Errorf("hide column %s: %w", name, err)
		}
	}
	for _, rule := range t.Rules {
		formula := rule.Formula()
		fill, ok := toneFills[rule.Tone]
		if formula == "" || !ok || rule.Col < 0 || rule.FirstRow < 0 || rule.LastRow < rule.FirstRow {
			continue
		}
		id, err := r.conditionalStyle(fill)
		if err != nil {
			return err
		}
		col := sheets.ColumnName(rule.Col)
		ref := col + strconv.Itoa(rule.FirstRow+1) + ":" + col + strconv.Itoa(rule.LastRow+1)
		err = r.f.SetConditionalFormat(t.Name, ref, []excelize.ConditionalFormatOptions{{Type: "formula", Criteria: formula, Format: &id}})
		if err != nil {
			return fmt.Errorf("colour rule on %s: %w", ref, err)
		}
	}
	return nil
}

// conditionalStyle returns the differential style that fills a cell with fill, reusing
// one already in the workbook: rules are redrawn on every sync, and a new style each
// time would grow the file forever.
func (r *renderer) conditionalStyle(fill string) (int, error) {
	for i := 0; ; i++ {
		st, err := r.f.GetConditionalStyle(i)
		if err != nil {
			break // past the last one
		}
		if st.Font == nil && len(st.Border) == 0 && st.NumFmt == 0 && st.CustomNumFmt == nil &&
			len(st.Fill.Color) == 1 && strings.EqualFold(strings.TrimPrefix(st.Fill.Color[0], "#"), fill) {
			return i, nil
		}
	}
	id, err := r.f.NewConditionalStyle(&excelize.Style{Fill: solid(fill)})
	if err != nil {
		return 0, fmt.Errorf("create colour rule style: %w", err)
	}
	return id, nil
}

// boldFont is the workbook's normal font in bold. A font with only "bold" set names no
// typeface or size, and LibreOffice then shows it in a serif face of its own choosing.
func (r *renderer) boldFont() *excelize.Font {
	font := &excelize.Font{Bold: true, Family: "Calibri", Size: 11}
	if name := defaultFont(r.f); name != "" {
		font.Family = name
	}
	if normal, err := r.f.GetStyle(0); err == nil && normal.Font != nil {
		if normal.Font.Family != "" {
			font.Family = normal.Font.Family
		}
		if normal.Font.Size > 0 {
			font.Size = normal.Font.Size
		}
	}
	return font
}

// defaultFont is excelize's GetDefaultFont, or "" where that panics: on a workbook whose
// first font has no name, which the format allows and other programs write.
func defaultFont(f *excelize.File) (name string) {
	defer func() {
		if recover() != nil {
			name = ""
		}
	}()
	name, err := f.GetDefaultFont()
	if err != nil {
		return ""
	}
	return name
}
