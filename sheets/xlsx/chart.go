package xlsx

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// Chart size in pixels: room for a dozen labelled points without crowding.
const (
	chartWidth  = 840
	chartHeight = 600
)

// maxLabelledPoints is how many points get a series (and so a name label) of their own.
// A chart holds at most 255 series; past this, points are grouped one series per
// quadrant and drawn without names.
const maxLabelledPoints = 240

// addChart draws c on sheet with excelize, as the kind of chart c asks for.
func addChart(f *excelize.File, sheet string, c *sheets.Chart) error {
	if c.Kind == sheets.LineChart {
		return addLineChart(f, sheet, c)
	}
	return addScatterChart(f, sheet, c)
}

// addLineChart draws each series as a line over its rows, with the x column's cells (the
// weeks) as categories and the header row above the rows naming the series.
func addLineChart(f *excelize.File, sheet string, c *sheets.Chart) error {
	var series []excelize.ChartSeries
	points := 0
	for _, s := range c.Series {
		if s.FirstRow < 0 || s.LastRow < s.FirstRow {
			continue
		}
		points = max(points, s.LastRow-s.FirstRow+1)
		ink := strings.TrimPrefix(s.Tone.Ink(), "#")
		series = append(series, excelize.ChartSeries{
			Name:       cellRef(sheet, s.YCol, max(s.FirstRow-1, 0), max(s.FirstRow-1, 0)),
			Categories: cellRef(sheet, s.XCol, s.FirstRow, s.LastRow),
			Values:     cellRef(sheet, s.YCol, s.FirstRow, s.LastRow),
			Fill:       solid(ink),
			Line:       excelize.LineOptions{Type: excelize.LineSolid, Width: 2},
			Marker:     excelize.ChartMarker{Symbol: "none"},
		})
	}
	if len(series) == 0 {
		return nil
	}
	y := axis(c.YTitle, c.YMin, c.YMax)
	if c.YMax <= c.YMin {
		y.Maximum = nil
		y.MajorUnit = 0
	}
	x := excelize.ChartAxis{
		Font:  excelize.Font{Size: 9, Color: "5F6368"},
		Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.XTitle, Font: &excelize.Font{Size: 10}}}},
		// About ten dates along the bottom: one per week would print over one another.
		TickLabelSkip:     max(1, (points+9)/10),
		TickLabelPosition: excelize.ChartTickLabelLow,
		// Slanted, so LibreOffice does not wrap a date over three lines.
		Alignment: excelize.Alignment{TextRotation: 45},
	}
	chart := &excelize.Chart{
		Type:      excelize.Line,
		Series:    series,
		Dimension: excelize.ChartDimension{Width: chartWidth, Height: chartHeight * 2 / 3},
		Format:    excelize.GraphicOptions{OffsetX: 8, OffsetY: 4, PrintObject: boolPtr(true), Locked: boolPtr(true)},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title, Font: &excelize.Font{Bold: true, Size: 13}}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		XAxis:     x,
		YAxis:     y,
	}
	cell := sheets.ColumnName(max(c.AnchorCol, 0)) + strconv.Itoa(max(c.AnchorRow, 0)+1)
	if err := f.AddChart(sheet, cell, chart); err != nil {
		return fmt.Errorf("add chart %q: %w", c.Title, err)
	}
	return nil
}

// addScatterChart draws c on sheet with excelize. Each point is a series of its own,
// named by its label cell, because a data label in Excel can show a series name but
// not text from another column. The quadrant lines are a second scatter chart in the
// same plot, so the name labels do not repeat on them; so is one key series per group,
// drawn under the group's points, which the legend below the plot lists ("Q1 Engage" in
// its colour) while it leaves out every point and line.
func addScatterChart(f *excelize.File, sheet string, c *sheets.Chart) error {
	points, keys, lines := chartSeries(sheet, c)
	if len(points) == 0 && len(lines) == 0 {
		return nil
	}
	main := &excelize.Chart{
		Type:      excelize.Scatter,
		Series:    points,
		Dimension: excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
		Format:    excelize.GraphicOptions{OffsetX: 8, OffsetY: 4, PrintObject: boolPtr(true), Locked: boolPtr(true)},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title, Font: &excelize.Font{Bold: true, Size: 13}}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		XAxis:     axis(c.XTitle, c.XMin, c.XMax),
		YAxis:     axis(c.YTitle, c.YMin, c.YMax),
		PlotArea:  excelize.ChartPlotArea{ShowSerName: len(points) > 0 && pointsLabelled(c)},
	}
	// hidden are the legend entries (by series index, over both charts) left out.
	var hidden []int
	var combo []*excelize.Chart
	switch {
	case len(points) == 0:
		main.Series = lines
	default:
		main.Legend = excelize.ChartLegend{Position: "bottom"}
		if len(keys) > 0 { // points of their own: their names are labels, not legend entries
			for i := range points {
				hidden = append(hidden, i)
			}
		}
		for i := range lines {
			hidden = append(hidden, len(points)+len(keys)+i)
		}
		if len(keys)+len(lines) > 0 {
			combo = append(combo, &excelize.Chart{Type: excelize.Scatter, Series: append(keys, lines...),
				XAxis: main.XAxis, YAxis: main.YAxis})
		}
	}
	before := chartParts(f)
	cell := sheets.ColumnName(max(c.AnchorCol, 0)) + strconv.Itoa(max(c.AnchorRow, 0)+1)
	if err := f.AddChart(sheet, cell, main, combo...); err != nil {
		return fmt.Errorf("add chart %q: %w", c.Title, err)
	}
	if len(hidden) > 0 {
		if err := hideLegendEntries(f, before, hidden); err != nil {
			return fmt.Errorf("chart %q legend: %w", c.Title, err)
		}
	}
	return nil
}

// chartParts lists the workbook's chart parts.
func chartParts(f *excelize.File) map[string]bool {
	parts := map[string]bool{}
	f.Pkg.Range(func(k, _ any) bool {
		if name, ok := k.(string); ok && strings.HasPrefix(name, "xl/charts/chart") && strings.HasSuffix(name, ".xml") {
			parts[name] = true
		}
		return true
	})
	return parts
}

// hideLegendEntries leaves the series with the given indexes out of the legend of the chart
// part added since before: excelize writes a legend of every series and cannot delete an
// entry, so the entries (<legendEntry><idx/><delete val="1"/>, which Excel and
// LibreOffice read) go in right after the legend's position, where the schema wants them.
func hideLegendEntries(f *excelize.File, before map[string]bool, idx []int) error {
	var part string
	for name := range chartParts(f) {
		if !before[name] {
			part = name
		}
	}
	raw, ok := f.Pkg.Load(part)
	data, isBytes := raw.([]byte)
	if part == "" || !ok || !isBytes {
		return fmt.Errorf("the new chart part was not found")
	}
	var entries strings.Builder
	for _, i := range idx {
		fmt.Fprintf(&entries, `<legendEntry><idx val="%d"></idx><delete val="1"></delete></legendEntry>`, i)
	}
	text := string(data)
	// excelize marshals the chart with the chart namespace as the default: no prefixes.
	at := strings.Index(text, "<legendPos ")
	end := strings.Index(text[max(at, 0):], "</legendPos>")
	if at < 0 || end < 0 {
		return fmt.Errorf("no legend position in %s", part)
	}
	at += end + len("</legendPos>")
	f.Pkg.Store(part, []byte(text[:at]+entries.String()+text[at:]))
	return nil
}

func boolPtr(b bool) *bool { return &b }

// axis is a value axis fixed to [lo, hi] with a tick per unit and its labels at the low
// end, so the y axis (which crosses at x = 0) does not print over the points.
func axis(title string, lo, hi float64) excelize.ChartAxis {
	return excelize.ChartAxis{
		Minimum: &lo, Maximum: &hi, MajorUnit: 1,
		TickLabelPosition: excelize.ChartTickLabelLow,
		Font:              excelize.Font{Size: 9, Color: "5F6368"},
		Title:             excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title, Font: &excelize.Font{Size: 10}}}},
	}
}

// pointsLabelled reports whether every point gets a series, and so a name label, of its own.
func pointsLabelled(c *sheets.Chart) bool {
	n := 0
	for _, s := range c.Series {
		if !s.Line {
			n += s.LastRow - s.FirstRow + 1
		}
	}
	return n <= maxLabelledPoints
}

// chartSeries turns the chart's series into excelize series: the points (one series per
// point while they fit, else one per group) and the lines.
func chartSeries(sheet string, c *sheets.Chart) (points, keys, lines []excelize.ChartSeries) {
	perPoint := pointsLabelled(c)
	header := -1 // the row of series names, just above the first point
	for i, s := range c.Series {
		if i == 0 || s.FirstRow-1 < header {
			header = s.FirstRow - 1
		}
	}
	name := func(s sheets.Series) string {
		if header < 0 {
			return cellRef(sheet, s.LabelCol, s.FirstRow, s.FirstRow)
		}
		return cellRef(sheet, s.YCol, header, header)
	}
	for _, s := range c.Series {
		if s.FirstRow < 0 || s.LastRow < s.FirstRow {
			continue
		}
		ink := strings.TrimPrefix(s.Tone.Ink(), "#")
		if s.Line {
			lines = append(lines, excelize.ChartSeries{
				Name:       name(s),
				Categories: cellRef(sheet, s.XCol, s.FirstRow, s.LastRow),
				Values:     cellRef(sheet, s.YCol, s.FirstRow, s.LastRow),
				Fill:       solid(ink), // the line's colour
				Line:       excelize.LineOptions{Type: excelize.LineSolid, Width: 1.25, Dash: excelize.LineDashDash},
				Marker:     excelize.ChartMarker{Symbol: "none"},
			})
			continue
		}
		marker := excelize.ChartMarker{Symbol: "circle", Size: 8, Fill: solid(ink),
			Border: excelize.LineOptions{Type: excelize.LineSolid, Width: 0.75, Fill: solid("FFFFFF")}}
		if !perPoint {
			points = append(points, excelize.ChartSeries{
				Name:       name(s),
				Categories: cellRef(sheet, s.XCol, s.FirstRow, s.LastRow),
				Values:     cellRef(sheet, s.YCol, s.FirstRow, s.LastRow),
				Marker:     marker,
			})
			continue
		}
		// The group's key for the legend: its points again, unlabelled, under their own.
		keys = append(keys, excelize.ChartSeries{
			Name:       name(s),
			Categories: cellRef(sheet, s.XCol, s.FirstRow, s.LastRow),
			Values:     cellRef(sheet, s.YCol, s.FirstRow, s.LastRow),
			Marker:     marker,
		})
		for r := s.FirstRow; r <= s.LastRow; r++ {
			points = append(points, excelize.ChartSeries{
				Name:       cellRef(sheet, s.LabelCol, r, r),
				Categories: cellRef(sheet, s.XCol, r, r),
				Values:     cellRef(sheet, s.YCol, r, r),
				Marker:     marker,
				DataLabel:  excelize.ChartDataLabel{Font: excelize.Font{Size: 8, Color: "3C4043"}},
			})
		}
	}
	return points, keys, lines
}

// solid is a plain fill of one colour, as cells, rules and chart marks use it.
func solid(hex string) excelize.Fill {
	return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{hex}}
}

// cellRef is an absolute reference to rows r0..r1 of column col on sheet, e.g.
// 'Power Map'!$U$24:$U$26; a quote in the name is doubled.
func cellRef(sheet string, col, r0, r1 int) string {
	name := "'" + strings.ReplaceAll(sheet, "'", "''") + "'!"
	c := "$" + sheets.ColumnName(col) + "$"
	ref := name + c + strconv.Itoa(max(r0, 0)+1)
	if r1 != r0 {
		ref += ":" + c + strconv.Itoa(r1+1)
	}
	return ref
}
