package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Helpers over the raw parts of the package (the zip entries) that excelize
// keeps in File.Pkg. Reading the parts directly is what lets Read scan a
// worksheet without building excelize's cell structs, and lets Write clear a
// managed tab without loading (and re-encoding) the volunteers' tabs.

// relTypeCalcChain is the calculation chain's relationship type (the transitional
// namespace excelize writes). Relationship types are matched by their last segment,
// so that the strict namespace is read too.
const relTypeCalcChain = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"

// part returns the bytes of a package part, if present and held in memory.
func part(f *excelize.File, name string) ([]byte, bool) {
	v, ok := f.Pkg.Load(name)
	if !ok {
		return nil, false
	}
	b, ok := v.([]byte)
	return b, ok
}

// rel is one relationship of a part.
type rel struct {
	ID         string `xml:"Id,attr"`
	Type       string `xml:"Type,attr"`
	Target     string `xml:"Target,attr"`
	TargetMode string `xml:"TargetMode,attr,omitempty"`
}

// relsDoc is a relationships part.
type relsDoc struct {
	XMLName xml.Name `xml:"http://schemas.openxmlformats.org/package/2006/relationships Relationships"`
	Rels    []rel    `xml:"Relationship"`
}

// relsPathOf names the relationships part of a part ("xl/workbook.xml" →
// "xl/_rels/workbook.xml.rels"; "" → "_rels/.rels", the package's own).
func relsPathOf(partName string) string {
	dir, base := path.Split(partName)
	return dir + "_rels/" + base + ".rels"
}

// readRels parses the relationships of partName; a part without any has none.
func readRels(f *excelize.File, partName string) ([]rel, error) {
	data, ok := part(f, relsPathOf(partName))
	if !ok {
		return nil, nil
	}
	return parseRels(data, partName)
}

// parseRels decodes the relationships part of partName.
func parseRels(data []byte, partName string) ([]rel, error) {
	var doc relsDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("read relationships of %s: %w", partName, err)
	}
	return doc.Rels, nil
}

// resolve turns a relationship target into a part name.
func resolve(source, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join(path.Dir(source), target), "/")
}

// internal reports whether a relationship points inside the package.
func (r rel) internal() bool { return !strings.EqualFold(r.TargetMode, "External") }

// workbookPart finds the workbook part through the package relationships.
func workbookPart(f *excelize.File) (string, error) {
	rels, err := readRels(f, "")
	if err != nil {
		return "", err
	}
	for _, r := range rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			return resolve("", r.Target), nil
		}
	}
	return "xl/workbook.xml", nil
}

// layout is where the parts a read needs live.
type layout struct {
	workbook      string
	sheets        map[string]string // sheet name → worksheet part
	sheetTypes    map[string]string // sheet name → relationship type (worksheet, chartsheet…)
	sharedStrings string            // "" when the workbook has none
}

// readLayout maps sheet names to their worksheet parts.
func readLayout(f *excelize.File) (layout, error) {
	wb, err := workbookPart(f)
	if err != nil {
		return layout{}, err
	}
	rels, err := readRels(f, wb)
	if err != nil {
		return layout{}, err
	}
	byID := make(map[string]rel, len(rels))
	l := layout{workbook: wb, sheets: map[string]string{}, sheetTypes: map[string]string{}}
	for _, r := range rels {
		if !r.internal() {
			continue
		}
		byID[r.ID] = r
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			l.sharedStrings = resolve(wb, r.Target)
		}
	}
	if l.sharedStrings == "" {
		if _, ok := part(f, "xl/sharedStrings.xml"); ok {
			l.sharedStrings = "xl/sharedStrings.xml"
		}
	}
	if f.WorkBook != nil {
		for _, s := range f.WorkBook.Sheets.Sheet {
			if r, ok := byID[s.ID]; ok {
				l.sheets[s.Name] = resolve(wb, r.Target)
				l.sheetTypes[s.Name] = r.Type
			}
		}
	}
	return l, nil
}

// partData returns a part's bytes, also when excelize renamed it on open
// (it normalises the case of a few well-known part names).
func partData(f *excelize.File, name string) ([]byte, bool) {
	if b, ok := part(f, name); ok {
		return b, true
	}
	var found []byte
	f.Pkg.Range(func(k, v any) bool {
		if s, ok := k.(string); ok && strings.EqualFold(s, name) {
			found, _ = v.([]byte)
			return false
		}
		return true
	})
	return found, found != nil
}

// maxRelsBytes bounds a relationships part read straight from the archive.
const maxRelsBytes = 16 << 20

// zipRels parses the relationships of partName from the archive.
func zipRels(byName map[string]*zip.File, partName string) ([]rel, error) {
	zf, ok := byName[relsPathOf(partName)]
	if !ok {
		return nil, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxRelsBytes))
	if err != nil {
		return nil, fmt.Errorf("read relationships of %s: %w", partName, err)
	}
	return parseRels(data, partName)
}

// heldStub stands in for a held worksheet part in the package excelize opens.
var heldStub = emptyWorksheet(false)

// withoutWorksheets returns the package with each worksheet part replaced by
// heldStub (other parts are copied still compressed), and the real worksheet
// parts by name.
func withoutWorksheets(zr *zip.Reader) ([]byte, map[string]*zip.File, error) {
	byName := make(map[string]*zip.File, len(zr.File))
	for _, zf := range zr.File {
		byName[zf.Name] = zf
	}
	rels, err := zipRels(byName, "")
	if err != nil {
		return nil, nil, err
	}
	wb := "xl/workbook.xml"
	for _, r := range rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wb = resolve("", r.Target)
		}
	}
	wbRels, err := zipRels(byName, wb)
	if err != nil {
		return nil, nil, err
	}
	held := map[string]*zip.File{}
	for _, r := range wbRels {
		if r.internal() && strings.HasSuffix(r.Type, relTypeWorksheet) {
			if zf, ok := byName[resolve(wb, r.Target)]; ok {
				held[zf.Name] = zf
			}
		}
	}
	pkg, err := withStubs(zr, held)
	if err != nil {
		return nil, nil, err
	}
	return pkg, held, nil
}

// emptySharedStrings stands in for the shared strings in the package a read gives excelize.
var emptySharedStrings = []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>`)

// readPackage returns the package with every worksheet and shared-strings part replaced by a
// stand-in, and those parts by name: a read takes from excelize only the workbook's layout,
// names and styles, and streams the tabs it parses (and their strings) from the archive
// itself (stream.go).
func readPackage(zr *zip.Reader) ([]byte, map[string]*zip.File, error) {
	held := map[string]*zip.File{}
	for _, zf := range zr.File {
		if kind := kindOf(zf.Name); kind == partWorksheet || kind == partSharedStrings {
			held[zf.Name] = zf
		}
	}
	pkg, err := withStubs(zr, held)
	if err != nil {
		return nil, nil, err
	}
	return pkg, held, nil
}

// withStubs returns the package with each part in held replaced by its stand-in (heldStub,
// or emptySharedStrings for shared strings); the other parts are copied still compressed.
func withStubs(zr *zip.Reader, held map[string]*zip.File) ([]byte, error) {
	var packed int64
	for _, zf := range zr.File {
		if held[zf.Name] == nil {
			packed += int64(zf.CompressedSize64) + int64(len(zf.Name)) + 128
		}
	}
	buf := bytes.NewBuffer(make([]byte, 0, packed+int64(len(held)*(len(heldStub)+256))))
	zw := zip.NewWriter(buf)
	for _, zf := range zr.File {
		if held[zf.Name] != nil {
			stub := heldStub
			if kindOf(zf.Name) == partSharedStrings {
				stub = emptySharedStrings
			}
			w, err := zw.Create(zf.Name)
			if err == nil {
				_, err = w.Write(stub)
			}
			if err != nil {
				return nil, fmt.Errorf("hold part %s: %w", zf.Name, err)
			}
			continue
		}
		if err := zw.Copy(zf); err != nil {
			return nil, fmt.Errorf("copy part %s: %w", zf.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
