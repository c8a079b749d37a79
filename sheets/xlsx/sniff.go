package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// saveAsXLSX tells a volunteer how to turn another spreadsheet file into the .xlsx workbook
// partnermap reads, in the two programs groups use.
const saveAsXLSX = `save it as an .xlsx workbook: in LibreOffice Calc, File › Save As…, file type "Excel 2007-365 (.xlsx)"; ` +
	`in Excel, File › Save As, "Excel Workbook (*.xlsx)"; then point partnermap at the new file (--xlsx or source.xlsx)`

// notXLSX says what a file that is not an .xlsx workbook really is, from its content (its
// name may say otherwise: a CSV renamed .xlsx, an .ods given as the workbook), and how to
// get an .xlsx from it; what is "" when the content may be a workbook. zr is the file read
// as a zip archive, nil when it is not one.
func notXLSX(data []byte, zr *zip.Reader) (what, fix string) {
	if zr != nil {
		return zipKind(zr)
	}
	head := data[:min(len(data), 4096)]
	switch {
	case len(data) == 0:
		return "an empty file", "run `partnermap init` on a new file name to start a workbook, or " + saveAsXLSX
	case bytes.HasPrefix(data, oleMagic):
		return "an old-format Excel .xls workbook", saveAsXLSX
	case bytes.HasPrefix(data, []byte("%PDF")):
		return "a PDF document, which holds no cells to read", "export the spreadsheet it came from as .xlsx"
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		return "a gzip-compressed file (Gnumeric saves its .gnumeric workbooks so)",
			`in Gnumeric, File › Save As…, file type "MS Excel 2007/2010 (*.xlsx)"; or open it in LibreOffice Calc and ` + saveAsXLSX
	case bytes.Contains(head, []byte("urn:oasis:names:tc:opendocument:xmlns:office")):
		return "a flat OpenDocument spreadsheet (.fods)", saveAsXLSX
	case bytes.HasPrefix(bytes.TrimSpace(head), []byte("<")):
		return "an XML or HTML file", "open it in LibreOffice Calc or Excel and " + saveAsXLSX
	case utf8.Valid(head[:lastRuneStart(head)]) && !bytes.ContainsRune(head, 0):
		kind := textKind(head)
		if kind == "" {
			return "a plain text file", "point partnermap at the group's .xlsx workbook, or " + saveAsXLSX
		}
		return kind + ", which holds one table", "open it in LibreOffice Calc or Excel and " +
			saveAsXLSX + `; name its tab after what it holds (Partners), and run "partnermap init" to add the other tabs`
	}
	return "", ""
}

// zipKind names a zip archive that is not an .xlsx package by the parts that give it away.
func zipKind(zr *zip.Reader) (what, fix string) {
	has := map[string]bool{}
	for _, f := range zr.File {
		has[f.Name] = true
	}
	switch {
	case has["xl/workbook.xml"] || has["[Content_Types].xml"] && !has["word/document.xml"] && !has["ppt/presentation.xml"]:
		return "", ""
	case has["mimetype"]:
		switch mime := zipText(zr, "mimetype"); mime {
		case "application/vnd.oasis.opendocument.spreadsheet":
			return "an OpenDocument spreadsheet (.ods), the format LibreOffice saves by default", saveAsXLSX
		case "":
			return "an OpenDocument file", saveAsXLSX
		default:
			return fmt.Sprintf("an OpenDocument file of type %s, not a spreadsheet", mime), "export the spreadsheet itself as .xlsx"
		}
	case has["word/document.xml"]:
		return "a Word document (.docx), not a spreadsheet", "put the tables in a spreadsheet and " + saveAsXLSX
	case has["ppt/presentation.xml"]:
		return "a PowerPoint presentation (.pptx), not a spreadsheet", "point partnermap at the group's .xlsx workbook"
	case has["Index/Document.iwa"] || has["Index.zip"]:
		return "an Apple Numbers file", "in Numbers, File › Export To › Excel…, then point partnermap at the .xlsx it makes"
	}
	return "", ""
}

// zipText reads a small part as text, "" when it cannot.
func zipText(zr *zip.Reader, name string) string {
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return ""
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, 256))
		if err != nil {
			return ""
		}
		return string(bytes.TrimSpace(b))
	}
	return ""
}

// textKind names a text file by how its first line separates values, "" for none.
func textKind(head []byte) string {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	switch {
	case bytes.Count(line, []byte("\t")) > 0:
		return "a tab-separated text file (.tsv)"
	case bytes.Count(line, []byte(",")) > 0 || bytes.Count(line, []byte(";")) > 0:
		return "a CSV text file (.csv)"
	}
	return ""
}

// lastRuneStart cuts a sample of a file before a rune that the cut may have split.
func lastRuneStart(b []byte) int {
	for i := len(b); i > 0 && i > len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i-1]) {
			return i - 1
		}
	}
	return len(b)
}

// notWorkbookError says what a file is instead of a workbook and how to make one of it; it
// matches ErrNotWorkbook.
type notWorkbookError struct{ path, what, fix string }

func (e *notWorkbookError) Error() string {
	return fmt.Sprintf("open workbook %s: it is %s, not an .xlsx workbook: %s", e.path, e.what, e.fix)
}

func (e *notWorkbookError) Is(target error) bool { return target == ErrNotWorkbook }

// zipOrNil is zr when it was read without error.
func zipOrNil(zr *zip.Reader, err error) *zip.Reader {
	if err != nil {
		return nil
	}
	return zr
}
