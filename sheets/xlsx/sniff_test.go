package xlsx

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/internal/longtest"
	"github.com/partnermap/partnermap/sheets"
)

// A file that is not an .xlsx workbook is refused with what it really is, told by its
// content and not its name, and how to save it as .xlsx; it is never written.
func TestAnotherFormatIsNamedWithHowToSaveItAsXLSX(t *testing.T) {
	dir := t.TempDir()
	ods, err := os.ReadFile(filepath.Join("..", "..", "testdata", "misspelt.ods"))
	must(t, err)
	fods, err := os.ReadFile(filepath.Join("..", "..", "testdata", "misspelt.fods"))
	must(t, err)
	const saveAs = `in LibreOffice Calc, File › Save As…, file type "Excel 2007-365 (.xlsx)"`
	tests := []struct {
		name, file string
		data       []byte
		what, fix  string
	}{
		{"an .ods made by LibreOffice", "groups.ods", ods, "an OpenDocument spreadsheet (.ods)", saveAs},
		{"an .ods renamed .xlsx", "groups.xlsx", ods, "an OpenDocument spreadsheet (.ods)", saveAs},
		{"a flat .fods", "groups.fods", fods, "a flat OpenDocument spreadsheet (.fods)", saveAs},
		{"a CSV", "partners.csv", []byte("Name,Stance\nEastside Tenants Union,Supports\n"), "a CSV text file (.csv), which holds one table", "run \"partnermap init\" to add the other tabs"},
		{"a CSV renamed .xlsx", "partners.xlsx", []byte("Name;Stance\r\nÉcole Libre;Supports\r\n"), "a CSV text file (.csv)", saveAs},
		{"a TSV", "partners.tsv", []byte("Name\tStance\nEastside\t1\n"), "a tab-separated text file (.tsv)", saveAs},
		{"an old .xls", "old.xls", append(append([]byte{}, oleMagic...), make([]byte, 512)...), "an old-format Excel .xls workbook", saveAs},
		{"an empty file", "empty.xlsx", nil, "an empty file", "run `partnermap init`"},
		{"a PDF", "printout.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "a PDF document", "export the spreadsheet"},
		{"a Word document", "notes.docx", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}), "a Word document (.docx)", saveAs},
		{"a text OpenDocument", "notes.odt", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.text"}), "an OpenDocument file of type application/vnd.oasis.opendocument.text", "export"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			must(t, os.WriteFile(path, tc.data, 0o644))
			_, err := New(path, Options{}).Read(ctx, []string{"Partners"})
			if !errors.Is(err, ErrNotWorkbook) {
				t.Fatalf("err = %v, want ErrNotWorkbook", err)
			}
			for _, want := range []string{path + ": it is " + tc.what, "not an .xlsx workbook", tc.fix} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message lacks %q:\n%v", want, err)
				}
			}
			if after := readFile(t, path); string(after) != string(tc.data) {
				t.Error("the file was changed")
			}
		})
	}
}

// An .ods made now by LibreOffice itself, as a group would save one, gets the hint.
func TestAnODSSavedByLibreOfficeGetsTheHint(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed; CI installs it")
	}
	longtest.Skip(t, "starts LibreOffice")
	dir := t.TempDir()
	src := filepath.Join(dir, "groups.xlsx")
	must(t, os.WriteFile(src, readFile(t, inputFixture(t)), 0o644))
	cctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, soffice, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--convert-to", "ods", "--outdir", dir, src)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to ods: %v\n%s", err, msg)
	}
	_, err = New(filepath.Join(dir, "groups.ods"), Options{}).Read(ctx, []string{"Partners"})
	if !errors.Is(err, ErrNotWorkbook) || !strings.Contains(err.Error(), "it is an OpenDocument spreadsheet (.ods)") ||
		!strings.Contains(err.Error(), "Save As") {
		t.Fatalf("err = %v, want the .ods named and how to save it as .xlsx", err)
	}
}

func TestInitCreatesOnlyXLSXNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "groups.ods")
	_, err := New(path, Options{}).AddInputTabs(ctx, nil)
	must(t, err)
	_, err = New(path, Options{}).AddInputTabs(ctx, []sheets.InputTab{partnersTab()})
	if !errors.Is(err, ErrNotWorkbook) || !strings.Contains(err.Error(), "must end in .xlsx") {
		t.Fatalf("err = %v, want a refusal to create an .xlsx named .ods", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was created at %s", path)
	}
}
