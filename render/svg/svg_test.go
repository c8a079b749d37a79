package svg

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var asOf = scoring.DateOf(2026, time.November, 23)

// demoResult scores the demo coalition as a sync of the demo workbook would.
func demoResult(t *testing.T) scoring.Result {
	t.Helper()
	tabs := config.Tabs{Partners: "Partners", Assets: "Assets", Meetings: "Meetings", Members: "Members"}
	tables := map[string]*sheets.Table{}
	for _, it := range demo.Workbook(tabs, demo.Day(asOf)) {
		header := make([]sheets.Cell, len(it.Header))
		for i, h := range it.Header {
			header[i] = sheets.TextCell(h)
		}
		tables[it.Name] = &sheets.Table{Name: it.Name, Rows: append([][]sheets.Cell{header}, it.Rows...)}
	}
	dec := decode.Decode(tables, decode.Options{})
	return scoring.Score(dec.Records, scoring.DefaultConfig(), asOf)
}

func TestDemoPowerMapMatchesGolden(t *testing.T) {
	var got bytes.Buffer
	if err := PowerMap(&got, demoResult(t), Options{}); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "demo-power-map.svg")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("picture differs from %s (run with -update after an intended change, and look at it)", golden)
	}
}

// element is one drawn element of the picture, as parsed back.
type element struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
}

func (e element) num(name string) float64 {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			var f float64
			_, _ = fmt.Sscan(a.Value, &f)
			return f
		}
	}
	return math.NaN()
}

func (e element) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// parse reads the picture back, failing on anything that is not well-formed XML.
func parse(t *testing.T, pic []byte) []element {
	t.Helper()
	var doc struct {
		XMLName  xml.Name  `xml:"svg"`
		Elements []element `xml:",any"`
	}
	if err := xml.Unmarshal(pic, &doc); err != nil {
		t.Fatalf("the picture is not well-formed SVG: %v", err)
	}
	return doc.Elements
}

func draw1(t *testing.T, res scoring.Result, opts Options) []element {
	t.Helper()
	var b bytes.Buffer
	if err := PowerMap(&b, res, opts); err != nil {
		t.Fatal(err)
	}
	return parse(t, b.Bytes())
}

func TestEveryActivePartnerIsDrawnAndLabelledOnce(t *testing.T) {
	res := demoResult(t)
	els := draw1(t, res, Options{})
	texts := map[string]int{}
	circles := 0
	for _, e := range els {
		switch e.XMLName.Local {
		case "text":
			texts[e.Text]++
		case "circle":
			circles++
		}
	}
	if circles != len(res.Assessments) {
		t.Errorf("%d markers, want one per active partner (%d)", circles, len(res.Assessments))
	}
	for _, a := range res.Assessments {
		if texts[a.Partner.Name] != 1 {
			t.Errorf("partner %q labelled %d times, want once", a.Partner.Name, texts[a.Partner.Name])
		}
	}
	for _, q := range []string{"Q1 Engage", "Q2 Persuade", "Q3 Build up", "Q4 Monitor"} {
		if texts[q] != 1 {
			t.Errorf("quadrant name %q shown %d times, want once", q, texts[q])
		}
	}
}

// labelBoxes are the estimated boxes of the partner labels, as placeLabels saw them.
func labelBoxes(t *testing.T, pts []Point) ([]label, []mark) {
	t.Helper()
	f := frame{left: 78, top: 74, right: 936, bottom: 588}
	marks := place(pts, f)
	return placeLabels(marks, nil, box{f.left, f.top, f.right, f.bottom}, maxLabels), marks
}

func TestLabelsDoNotOverlapEachOtherOrMarkers(t *testing.T) {
	cases := []struct {
		name string
		pts  []Point
	}{
		{"the demo coalition", Points(demoResult(t))},
		{"eight partners with the same scores", func() []Point {
			var pts []Point
			for i := range 8 {
				pts = append(pts, Point{Name: fmt.Sprintf("Tenant association %d", i+1), Support: 1, Power: 4, Ring: 3, Quadrant: scoring.Q1Engage})
			}
			return pts
		}()},
		{"a crowded row along the quadrant line", func() []Point {
			var pts []Point
			for i := range 9 {
				pts = append(pts, Point{Name: fmt.Sprintf("Block club %c", 'A'+i), Support: -2 + float64(i)/2, Power: 3, Ring: 4, Quadrant: scoring.Q2Persuade})
			}
			return pts
		}()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			labels, marks := labelBoxes(t, tc.pts)
			if len(labels) != len(tc.pts) {
				t.Fatalf("%d labels for %d points", len(labels), len(tc.pts))
			}
			for i, a := range labels {
				for j, b := range labels[i+1:] {
					if o := a.b.overlap(b.b); o > 0 {
						t.Errorf("labels %q and %q overlap by %.0f px²", a.mark.p.Name, b.mark.p.Name, o)
					}
					_ = j
				}
				for _, m := range marks {
					if o := a.b.overlap(m.box()); o > 0 {
						t.Errorf("label %q covers the marker of %q by %.0f px²", a.mark.p.Name, m.p.Name, o)
					}
				}
			}
		})
	}
}

func TestMarkersWithTheSameScoresAreSpreadApart(t *testing.T) {
	pts := []Point{
		{Name: "A", Support: 1, Power: 3.2, Ring: 4, Quadrant: scoring.Q1Engage},
		{Name: "B", Support: 1, Power: 3.2, Ring: 3, Quadrant: scoring.Q1Engage},
		{Name: "C", Support: 1, Power: 3.2, Ring: 1, Quadrant: scoring.Q1Engage},
	}
	f := frame{left: 0, top: 0, right: 800, bottom: 600}
	marks := place(pts, f)
	for i := range marks {
		for j := i + 1; j < len(marks); j++ {
			a, b := marks[i], marks[j]
			if d := math.Hypot(a.x-b.x, a.y-b.y); d < a.r+b.r {
				t.Errorf("markers %s and %s overlap: %.1f px apart, radii %.0f and %.0f", a.p.Name, b.p.Name, d, a.r, b.r)
			}
		}
		if d := math.Hypot(marks[i].x-f.x(1), marks[i].y-f.y(3.2)); d > 16 {
			t.Errorf("marker %s moved %.1f px from its scores, more than the 16 px a group of three needs", marks[i].p.Name, d)
		}
	}
}

func TestRingIsShownByTheMarker(t *testing.T) {
	res := scoring.Result{AsOf: asOf, Assessments: []scoring.Assessment{
		{Partner: &scoring.Partner{Name: "Core"}, Support: -1, Power: 2, Ring: 1, Quadrant: scoring.Q4Monitor},
		{Partner: &scoring.Partner{Name: "Far"}, Support: 1, Power: 4, Ring: 5, Quadrant: scoring.Q1Engage},
	}}
	els := draw1(t, res, Options{})
	var radii []float64
	var fills, numbers []string
	for i, e := range els {
		if e.XMLName.Local == "circle" {
			radii = append(radii, e.num("r"))
			fills = append(fills, e.attr("fill"))
			numbers = append(numbers, els[i+1].Text) // the ring number follows its circle
		}
	}
	if len(radii) != 2 || radii[0] <= radii[1] {
		t.Errorf("marker radii %v: ring 1 should be drawn larger than ring 5", radii)
	}
	if want := []string{sheets.ToneMuted.Ink(), sheets.ToneGood.Ink()}; fmt.Sprint(fills) != fmt.Sprint(want) {
		t.Errorf("marker colours %v, want the quadrant colours %v", fills, want)
	}
	if fmt.Sprint(numbers) != "[1 5]" {
		t.Errorf("ring numbers in the markers %v, want [1 5]", numbers)
	}
}

func TestQuadrantLinesSitAtTheThresholds(t *testing.T) {
	res := scoring.Result{AsOf: asOf}
	for _, high := range []float64{0, 3, 3.5} {
		els := draw1(t, res, Options{HighPower: high, Width: 800, Height: 600})
		f := frame{left: 78, top: 74, right: 800 - 24, bottom: 600 - 92}
		want := high
		if want == 0 {
			want = 3
		}
		var vertical, horizontal bool
		for _, e := range els {
			if e.XMLName.Local != "line" || e.attr("stroke-dasharray") == "" {
				continue
			}
			x1, y1, x2, y2 := e.num("x1"), e.num("y1"), e.num("x2"), e.num("y2")
			vertical = vertical || (x1 == x2 && math.Abs(x1-f.x(0)) < 0.06)
			horizontal = horizontal || (y1 == y2 && math.Abs(y1-f.y(want)) < 0.06)
		}
		if !vertical || !horizontal {
			t.Errorf("high power %v: vertical line at support 0 %v, horizontal line at power %v %v", high, vertical, want, horizontal)
		}
	}
}

func TestNamesAreEscaped(t *testing.T) {
	name := `<script>alert("x")</script> & "Friends"`
	res := scoring.Result{Assessments: []scoring.Assessment{{Partner: &scoring.Partner{Name: name}, Support: 1, Power: 4, Ring: 2, Quadrant: scoring.Q1Engage}}}
	found := false
	for _, e := range draw1(t, res, Options{}) {
		if e.XMLName.Local == "script" {
			t.Fatal("a partner name became an element")
		}
		found = found || e.Text == name
	}
	if !found {
		t.Errorf("name %q not shown as text", name)
	}
}

func TestNoPartnersStillDrawsTheMap(t *testing.T) {
	els := draw1(t, scoring.Result{AsOf: asOf}, Options{Title: "Eastside chapter"})
	var texts []string
	for _, e := range els {
		if e.XMLName.Local == "circle" {
			t.Error("a marker drawn with no partners")
		}
		texts = append(texts, e.Text)
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"Eastside chapter", "0 active partners", "Q1 Engage"} {
		if !strings.Contains(all, want) {
			t.Errorf("picture lacks %q: %s", want, all)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriteErrorsAreReturned(t *testing.T) {
	if err := PowerMap(failWriter{}, demoResult(t), Options{}); err == nil {
		t.Error("no error from a writer that fails")
	}
}

// crowd is n partners spread over the map in rank order, on the coarse score steps real
// sheets give, so many share a spot.
func crowd(n int) []Point {
	r := rand.New(rand.NewPCG(7, uint64(n)))
	pts := make([]Point, n)
	for i := range pts {
		support, power := float64(r.IntN(9))/2-2, 1+float64(r.IntN(17))/4
		pts[i] = Point{Name: fmt.Sprintf("Neighbourhood group %d", i+1), Support: support, Power: power, Ring: 1 + r.IntN(5), Quadrant: scoring.Q1Engage}
	}
	return pts
}

func TestACrowdedMapNamesTheTopPartnersThatFitAndSaysSo(t *testing.T) {
	pts := crowd(3000)
	var b bytes.Buffer
	bw := bufio.NewWriter(&b)
	draw(bw, pts, asOf, Options{})
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	els := parse(t, b.Bytes())
	circles, named := 0, 0
	rank := map[string]int{}
	for i, p := range pts {
		rank[p.Name] = i
	}
	note := ""
	for _, e := range els {
		switch {
		case e.XMLName.Local == "circle":
			circles++
		case e.XMLName.Local == "text" && strings.HasPrefix(e.Text, "Neighbourhood group"):
			named++
			if rank[e.Text] >= maxLabels {
				t.Errorf("%q is named, but it is not among the %d highest-priority partners", e.Text, maxLabels)
			}
		case e.XMLName.Local == "text" && strings.HasPrefix(e.Text, "Names are shown for"):
			note = e.Text
		}
	}
	if circles != len(pts) {
		t.Errorf("%d circles for %d partners: every partner must be drawn", circles, len(pts))
	}
	if named == 0 || named > maxLabels {
		t.Errorf("%d names on a map of %d partners, want between 1 and %d", named, len(pts), maxLabels)
	}
	want := fmt.Sprintf("Names are shown for %d of the %d highest-priority partners", named, maxLabels)
	if !strings.HasPrefix(note, want) || !strings.Contains(note, fmt.Sprintf("lists all %d", len(pts))) {
		t.Errorf("the picture must say which partners are named: got %q, want it to begin %q", note, want)
	}
	labels, _ := labelBoxes(t, pts)
	for i, a := range labels {
		for _, b := range labels[i+1:] {
			if o := a.b.overlap(b.b); o > 0 {
				t.Errorf("labels %q and %q overlap by %.0f px²", a.mark.p.Name, b.mark.p.Name, o)
			}
		}
		for _, b := range labels {
			if o := a.b.overlap(b.mark.box()); o > 0 {
				t.Errorf("label %q covers the marker of %q, which is named, by %.0f px²", a.mark.p.Name, b.mark.p.Name, o)
			}
		}
	}
}

// TestGridPlacementMatchesComparingEveryPair checks the grids change nothing: a crowd under
// the label limit is placed as comparing every label with every box placed before did.
func TestGridPlacementMatchesComparingEveryPair(t *testing.T) {
	pts := crowd(120)
	f := frame{left: 78, top: 74, right: 936, bottom: 588}
	marks := place(pts, f)
	var obstacles []box
	for _, m := range marks {
		obstacles = append(obstacles, m.box())
	}
	bounds := box{f.left, f.top, f.right, f.bottom}
	got := placeLabels(marks, nil, bounds, maxLabels)
	// The placement before the grid, kept here as the definition.
	placed := append([]box(nil), obstacles...)
	for i, m := range marks {
		w, h := textWidth(m.p.Name, labelSize), labelSize+4
		best, bestCost := box{}, math.Inf(1)
		for ci, c := range candidates(m, w, h) {
			cost := c.b.outside(bounds) * 50
			for k, o := range placed {
				if k < len(obstacles) && o == m.box() {
					continue
				}
				cost += c.b.overlap(o)
			}
			cost += float64(ci) * 0.01
			if cost < bestCost {
				best, bestCost = c.b, cost
			}
			if cost < 1 {
				break
			}
		}
		placed = append(placed, best)
		if got[i].b != best {
			t.Fatalf("label %d (%q) at %+v, comparing every pair puts it at %+v", i, m.p.Name, got[i].b, best)
		}
	}
	for i := range marks {
		for j := i + 1; j < len(marks); j++ {
			a, b := marks[i], marks[j]
			if d := math.Hypot(a.x-b.x, a.y-b.y); d < a.r+b.r+1.5 && math.Hypot(a.x-f.x(a.p.Support), a.y-f.y(a.p.Power)) < maxNudge-0.5 {
				t.Errorf("markers %d and %d overlap (%.1f px apart) though %d could still move", i, j, d, i)
			}
		}
	}
}

func BenchmarkPowerMap(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		pts := crowd(n)
		b.Run(fmt.Sprintf("partners=%d", n), func(b *testing.B) {
			for b.Loop() {
				bw := bufio.NewWriter(io.Discard)
				draw(bw, pts, asOf, Options{})
				_ = bw.Flush()
			}
		})
	}
}

func TestMovedPartnersDrawATrailToTheirCircle(t *testing.T) {
	res := demoResult(t)
	moved := res.Assessments[0]
	from := [2]float64{-1, 2}
	var b bytes.Buffer
	err := PowerMap(&b, res, Options{Paths: map[string][][2]float64{
		moved.Partner.Name:              {from, {0.5, 3}},
		res.Assessments[1].Partner.Name: {{res.Assessments[1].Support, res.Assessments[1].Power}}, // did not move on the map
		"Not a partner":                 {{0, 1}},
	}, PathDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "trail.svg")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want, err := os.ReadFile(golden); err != nil || !bytes.Equal(want, b.Bytes()) {
		t.Errorf("picture differs from %s (%v); run with -update after an intended change and look at it", golden, err)
	}
	out := b.String()
	if n := strings.Count(out, "<polyline"); n != 1 {
		t.Fatalf("%d trails drawn, want 1 (only the partner whose place changed)", n)
	}
	f := frame{left: 78, top: 74, right: 960 - 24, bottom: 680 - 92 - 15} // a line of the key explains the trails
	start := fmt.Sprintf("%.1f,%.1f", f.x(from[0]), f.y(from[1]))
	if !strings.Contains(out, `points="`+start+" ") {
		t.Errorf("the trail does not start where the partner stood (%s)", start)
	}
	if strings.Index(out, "<polyline") > strings.Index(out, `stroke="#FFFFFF" stroke-width="1.5"/>`) {
		t.Errorf("the trail is drawn over the markers")
	}
	if !strings.Contains(out, "where the partner that moved stood 90 days ago") {
		t.Errorf("the key does not explain the trails")
	}
	var plain bytes.Buffer
	if err := PowerMap(&plain, res, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "polyline") || strings.Contains(plain.String(), "trails") {
		t.Errorf("a picture without paths draws or explains trails")
	}
}
