package xlsx

import "github.com/xuri/excelize/v2"

// isBuiltinDateFormat reports whether a built-in number format id shows a date
// or time: 14–22 and 45–47 everywhere, 27–36 and 50–58 in East Asian locales.
func isBuiltinDateFormat(id int) bool {
	switch {
	case id >= 14 && id <= 22, id >= 45 && id <= 47:
		return true
	case id >= 27 && id <= 36, id >= 50 && id <= 58:
		return true
	}
	return false
}

// isDateFormatCode reports whether a custom number format code shows a date or
// time: it has a d, m or y token outside quoted text, [brackets],
// escaped characters and fill/padding characters. "0.00", "#,##0 \"days\"" and
// "[Red]0" are not dates; "yyyy-mm-dd", "d/m/yy h:mm" and "[$-409]mmm d" are.
func isDateFormatCode(code string) bool {
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			for i++; i < len(code) && code[i] != '"'; i++ {
			}
		case '[':
			for i++; i < len(code) && code[i] != ']'; i++ {
			}
		case '\\', '_', '*':
			i++ // the next character is literal, padding or fill
		case 'd', 'D', 'm', 'M', 'y', 'Y':
			return true
		case ';':
			// Only the first (positive) section decides, as in Excel.
			return false
		}
	}
	return false
}

// dateStyles returns, for each cell style index (cellXfs) of the workbook,
// whether its number format shows a date. It is computed once per read so that
// the per-cell check is a slice index.
func dateStyles(f *excelize.File) []bool {
	st := f.Styles
	if st == nil || st.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			if nf != nil {
				custom[nf.NumFmtID] = nf.FormatCode
			}
		}
	}
	byFormat := map[int]bool{}
	out := make([]bool, len(st.CellXfs.Xf))
	for i, xf := range st.CellXfs.Xf {
		if xf.NumFmtID == nil {
			continue
		}
		id := *xf.NumFmtID
		isDate, seen := byFormat[id]
		if !seen {
			if code, ok := custom[id]; ok {
				isDate = isDateFormatCode(code)
			} else {
				isDate = isBuiltinDateFormat(id)
			}
			byFormat[id] = isDate
		}
		out[i] = isDate
	}
	return out
}
