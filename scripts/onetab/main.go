// Command onetab copies one tab of a workbook into a workbook of its own, set to print on
// a single landscape page, so that LibreOffice can turn it into a picture of just that tab.
// scripts/screenshots.sh uses it; it is not part of partnermap.
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"
)

func main() {
	in := flag.String("in", "", "workbook to read")
	tab := flag.String("tab", "", "tab to keep")
	out := flag.String("out", "", "workbook to write")
	area := flag.String("area", "", "print only these cells, e.g. A1:S46 (default: the used range)")
	flag.Parse()
	if *in == "" || *tab == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: onetab -in book.xlsx -tab NAME -out one.xlsx")
		os.Exit(2)
	}
	if err := run(*in, *tab, *out, *area); err != nil {
		fmt.Fprintln(os.Stderr, "onetab:", err)
		os.Exit(1)
	}
}

func run(in, tab, out, area string) error {
	f, err := excelize.OpenFile(in)
	if err != nil {
		return fmt.Errorf("open %s: %w", in, err)
	}
	defer f.Close()
	idx, err := f.GetSheetIndex(tab)
	if err != nil || idx < 0 {
		return fmt.Errorf("%s has no tab %q", in, tab)
	}
	f.SetActiveSheet(idx)
	for _, name := range f.GetSheetList() {
		if name != tab {
			if err := f.DeleteSheet(name); err != nil {
				return fmt.Errorf("drop tab %q: %w", name, err)
			}
		}
	}
	landscape, one := "landscape", 1
	if err := f.SetPageLayout(tab, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &one}); err != nil {
		return fmt.Errorf("page layout: %w", err)
	}
	fit := true
	if err := f.SetSheetProps(tab, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("fit to page: %w", err)
	}
	if area != "" {
		ref := "'" + strings.ReplaceAll(tab, "'", "''") + "'!" + absolute(area)
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", RefersTo: ref, Scope: tab}); err != nil {
			return fmt.Errorf("print area %s: %w", area, err)
		}
	}
	if err := f.SaveAs(out); err != nil {
		return fmt.Errorf("save %s: %w", out, err)
	}
	return nil
}

// absolute turns A1:S46 into $A$1:$S$46, as a print area is written.
func absolute(area string) string {
	return regexp.MustCompile(`([A-Z]+)([0-9]+)`).ReplaceAllString(strings.ToUpper(area), "$$$1$$$2")
}
