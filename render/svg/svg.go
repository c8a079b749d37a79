// Package svg draws the power map as a picture for slides and email: each active partner
// placed by support (x) and power (y), coloured by quadrant, numbered by alignment ring,
// with the quadrant lines and names, and name labels placed so that they do not overlap.
//
// The output is plain SVG 1.1 text, the same bytes for the same result, so it can be
// kept under version control and compared in tests.
package svg

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/scoring"
)

// Options tune the picture. The zero value draws a 960×680 picture titled "Power map".
type Options struct {
	// Title heads the picture; "" means "Power map".
	Title string
	// HighPower is where the horizontal quadrant line is drawn: scoring's high_power
	// threshold. 0 means scoring's default.
	HighPower float64
	// Width and Height in pixels; 0 means 960 and 680.
	Width, Height int
	// Paths are where moved partners stood before, by partner name: (support, power)
	// points, oldest first. Each is drawn as a trail ending at the partner's circle.
	Paths map[string][][2]float64
	// PathDays says how far back the paths go, for the key (e.g. 90).
	PathDays int
	// Subtitle replaces the line under the title that says what the map shows; "" keeps it.
	Subtitle string
	// Target, when set, is drawn at the top, above the plot, placed left–right by its own
	// stance: the decision-maker a campaign's power is over.
	Target *Target
}

// Point is one partner on the map.
type Point struct {
	Name     string
	Support  float64 // -2..2
	Power    float64 // 1..5
	Ring     int     // 1..5, 0 unknown
	Quadrant scoring.Quadrant
}

// Points are the active partners of res, in rank order.
func Points(res scoring.Result) []Point {
	pts := make([]Point, len(res.Assessments))
	for i, a := range res.Assessments {
		name := ""
		if a.Partner != nil {
			name = a.Partner.Name
		}
		pts[i] = Point{Name: name, Support: a.Support, Power: a.Power, Ring: a.Ring, Quadrant: a.Quadrant}
	}
	return pts
}

// Axis ranges: the scales of §2, padded so that a marker on the edge is drawn whole.
const (
	xLo, xHi = -2.0, 2.0
	yLo, yHi = 1.0, 5.0
	pad      = 0.18
)

// Text sizes in pixels.
const (
	labelSize = 12.0
	titleSize = 20.0
	smallSize = 11.0
)

// PowerMap writes the power map of res as SVG to w.
func PowerMap(w io.Writer, res scoring.Result, opts Options) error {
	bw := bufio.NewWriter(w)
	draw(bw, Points(res), res.AsOf, opts)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write power map picture: %w", err)
	}
	return nil
}

// frame maps data coordinates to pixels.
type frame struct {
	left, top, right, bottom float64 // plot area in pixels
}

func (f frame) x(support float64) float64 {
	return f.left + (support-(xLo-pad))/(xHi-xLo+2*pad)*(f.right-f.left)
}

func (f frame) y(power float64) float64 {
	return f.bottom - (power-(yLo-pad))/(yHi-yLo+2*pad)*(f.bottom-f.top)
}

// svgWriter collects the picture's elements; float formatting is fixed so output is stable.
type svgWriter struct {
	b *bufio.Writer
}

func (s svgWriter) printf(format string, args ...any) { fmt.Fprintf(s.b, format, args...) }

// text writes a text element with its content escaped.
func (s svgWriter) text(x, y float64, attrs, content string) {
	s.printf(`<text x="%.1f" y="%.1f" %s>`, x, y, attrs)
	_ = xml.EscapeText(s.b, []byte(content))
	s.printf("</text>\n")
}

func draw(b *bufio.Writer, pts []Point, asOf scoring.Date, opts Options) {
	width, height := float64(opts.Width), float64(opts.Height)
	if width <= 0 {
		width = 960
	}
	if height <= 0 {
		height = 680
	}
	high := opts.HighPower
	if high <= 0 {
		high = scoring.DefaultConfig().HighPower
	}
	title := opts.Title
	if title == "" {
		title = "Power map"
	}
	f := frame{left: 78, top: 74, right: width - 24, bottom: height - 92}
	crowded := len(pts) > maxLabels
	if crowded {
		f.bottom -= 30 // two lines below say which partners are named
	}
	trail := trailKey(pts, opts)
	if trail != "" {
		f.bottom -= 15 // a line below explains the trails
	}
	if opts.Target != nil {
		f.top += targetBand
	}
	s := svgWriter{b}

	s.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Helvetica, Arial, sans-serif">`+"\n",
		width, height, width, height)
	s.printf(`<rect width="100%%" height="100%%" fill="#FFFFFF"/>` + "\n")
	sub := fmt.Sprintf("Who supports us (right) and who has power over the decision (up): %d active partners", len(pts))
	if opts.Subtitle != "" {
		sub = opts.Subtitle
	}
	if !asOf.IsZero() {
		sub += ", as of " + asOf.String()
	}
	s.text(f.left, 32, fmt.Sprintf(`font-size="%.0f" font-weight="bold" fill="#202124"`, titleSize), title)
	s.text(f.left, 54, fmt.Sprintf(`font-size="%.0f" fill="#5F6368"`, smallSize+1), sub)

	// Quadrant backgrounds, tinted by the quadrant's colour.
	x0, yh := f.x(0), f.y(high)
	quads := []struct {
		q          scoring.Quadrant
		x, y, w, h float64
	}{
		{scoring.Q2Persuade, f.left, f.top, x0 - f.left, yh - f.top},
		{scoring.Q1Engage, x0, f.top, f.right - x0, yh - f.top},
		{scoring.Q4Monitor, f.left, yh, x0 - f.left, f.bottom - yh},
		{scoring.Q3BuildUp, x0, yh, f.right - x0, f.bottom - yh},
	}
	for _, q := range quads {
		if q.w > 0 && q.h > 0 {
			s.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.07"/>`+"\n",
				q.x, q.y, q.w, q.h, render.QuadrantTone(q.q).Ink())
		}
	}
	s.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#DADCE0"/>`+"\n",
		f.left, f.top, f.right-f.left, f.bottom-f.top)

	// Axes: a tick per whole number, as the scales are written.
	for v := xLo; v <= xHi; v++ {
		x := f.x(v)
		s.printf(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#DADCE0" stroke-width="0.5"/>`+"\n", x, f.top, x, f.bottom)
		s.text(x, f.bottom+18, fmt.Sprintf(`font-size="%.0f" fill="#5F6368" text-anchor="middle"`, smallSize), signed(v))
	}
	for v := yLo; v <= yHi; v++ {
		y := f.y(v)
		s.printf(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#DADCE0" stroke-width="0.5"/>`+"\n", f.left, y, f.right, y)
		s.text(f.left-10, y+4, fmt.Sprintf(`font-size="%.0f" fill="#5F6368" text-anchor="end"`, smallSize), fmt.Sprintf("%.0f", v))
	}
	s.text((f.left+f.right)/2, f.bottom+40, fmt.Sprintf(`font-size="%.0f" fill="#3C4043" text-anchor="middle"`, smallSize+1),
		"Support: −2 strongly opposes … +2 strongly supports")
	s.text(24, (f.top+f.bottom)/2, fmt.Sprintf(`font-size="%.0f" fill="#3C4043" text-anchor="middle" transform="rotate(-90 24 %.1f)"`, smallSize+1, (f.top+f.bottom)/2),
		"Power: 1 less … 5 more influence")

	// Quadrant lines at the thresholds: supportive is S > 0, high power is P ≥ high.
	dash := `stroke="#5F6368" stroke-width="1.2" stroke-dasharray="6 4"`
	s.printf(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" %s/>`+"\n", x0, f.top, x0, f.bottom, dash)
	s.printf(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" %s/>`+"\n", f.left, yh, f.right, yh, dash)

	// Quadrant names in the outer corners, where points are rarest; they are obstacles
	// for the labels too, and drawn over the markers (a crowded map has markers everywhere).
	var obstacles []box
	names := []struct {
		q      scoring.Quadrant
		x, y   float64
		anchor string
		what   string
	}{
		{scoring.Q2Persuade, f.left + 8, f.top + 18, "start", "more power, not yet supportive"},
		{scoring.Q1Engage, f.right - 8, f.top + 18, "end", "more power, supportive"},
		{scoring.Q4Monitor, f.left + 8, f.bottom - 22, "start", "less power, not supportive"},
		{scoring.Q3BuildUp, f.right - 8, f.bottom - 22, "end", "less power, supportive"},
	}
	for _, n := range names {
		wd := max(textWidth(n.q.String(), 14), textWidth(n.what, smallSize))
		bx := box{n.x, n.y - 14, n.x + wd, n.y + 18}
		if n.anchor == "end" {
			bx.x0, bx.x1 = n.x-wd, n.x
		}
		obstacles = append(obstacles, bx)
	}

	if opts.Target != nil {
		obstacles = append(obstacles, drawTarget(s, f, *opts.Target))
	}
	marks := place(pts, f)
	labels := placeLabels(marks, obstacles, box{f.left, f.top, f.right, f.bottom}, maxLabels)

	drawPaths(s, marks, f, opts.Paths)

	// Leader lines first, so markers and labels are drawn over them.
	for _, l := range labels {
		if l.leader {
			ex, ey := l.anchorPoint()
			m := l.mark
			dx, dy := ex-m.x, ey-m.y
			d := math.Hypot(dx, dy)
			if d > m.r {
				s.printf(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#9AA0A6" stroke-width="0.8"/>`+"\n",
					m.x+dx/d*m.r, m.y+dy/d*m.r, ex, ey)
			}
		}
	}
	for _, m := range marks {
		ink := render.QuadrantTone(m.p.Quadrant).Ink()
		s.printf(`<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" stroke="#FFFFFF" stroke-width="1.5"/>`+"\n", m.x, m.y, m.r, ink)
		if m.p.Ring > 0 && m.r >= minNumbered {
			s.text(m.x, m.y+4, `font-size="11" font-weight="bold" fill="#FFFFFF" text-anchor="middle"`, fmt.Sprint(m.p.Ring))
		}
	}
	for _, n := range names {
		ink := render.QuadrantTone(n.q).Ink()
		halo := `stroke="#FFFFFF" stroke-width="3" paint-order="stroke"`
		s.text(n.x, n.y, fmt.Sprintf(`font-size="14" font-weight="bold" fill="%s" text-anchor="%s" %s`, ink, n.anchor, halo), n.q.String())
		s.text(n.x, n.y+14, fmt.Sprintf(`font-size="%.0f" fill="%s" text-anchor="%s" %s`, smallSize, ink, n.anchor, halo), n.what)
	}
	for _, l := range labels {
		// A white halo keeps a label readable where it crosses a line or a tint.
		s.text(l.b.x0, l.b.y1-3.5, fmt.Sprintf(`font-size="%.0f" fill="#202124" stroke="#FFFFFF" stroke-width="3" paint-order="stroke"`, labelSize), l.mark.p.Name)
	}

	// The key: what colour and number mean.
	ky := height - 28
	s.text(f.left, ky, fmt.Sprintf(`font-size="%.0f" fill="#5F6368"`, smallSize),
		"The number in each circle is the partner's alignment ring: 1 core leader, 2 potential leader, 3 active participant, 4 passive supporter, 5 not yet aligned.")
	s.text(f.left, ky+15, fmt.Sprintf(`font-size="%.0f" fill="#5F6368"`, smallSize),
		fmt.Sprintf("Dashed lines: support 0 and power %s (the quadrant thresholds). Closer rings have larger circles.", trimFloat(high)))
	if trail != "" {
		y := ky - 15
		if crowded {
			y = ky - 45
		}
		s.text(f.left, y, fmt.Sprintf(`font-size="%.0f" fill="#3C4043"`, smallSize), trail)
	}
	if crowded {
		// Say what the names leave out, so nobody reads an unnamed circle as unimportant by mistake.
		s.text(f.left, ky-30, fmt.Sprintf(`font-size="%.0f" font-weight="bold" fill="#3C4043"`, smallSize),
			fmt.Sprintf("Names are shown for %d of the %d highest-priority partners, where they fit (the Priorities tab lists all %d).",
				len(labels), maxLabels, len(marks)))
		s.text(f.left, ky-15, fmt.Sprintf(`font-size="%.0f" fill="#3C4043"`, smallSize),
			fmt.Sprintf("The other %d circles are unnamed%s; partners with the same scores are set in a cluster around their spot.",
				len(marks)-len(labels), smaller(marks)))
	}
	s.printf("</svg>\n")
}

// drawPaths draws each moved partner's trail, from a hollow dot where it stood first to its
// circle now, under the circles and labels.
func drawPaths(s svgWriter, marks []mark, f frame, paths map[string][][2]float64) {
	for _, m := range marks {
		path := paths[m.p.Name]
		if !travelled(m.p, path) {
			continue
		}
		var pts []string
		for _, p := range path {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", f.x(clamp(p[0], xLo, xHi)), f.y(clamp(p[1], yLo, yHi))))
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", m.x, m.y))
		ink := render.QuadrantTone(m.p.Quadrant).Ink()
		s.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-opacity="0.55" stroke-linejoin="round"/>`+"\n", strings.Join(pts, " "), ink)
		s.printf(`<circle cx="%.1f" cy="%.1f" r="3.5" fill="#FFFFFF" stroke="%s" stroke-width="1.5"/>`+"\n",
			f.x(clamp(path[0][0], xLo, xHi)), f.y(clamp(path[0][1], yLo, yHi)), ink)
	}
}

// travelled reports whether a path leaves p's place (a partner can change ring without moving on the map).
func travelled(p Point, path [][2]float64) bool {
	for _, q := range path {
		if q[0] != p.Support || q[1] != p.Power {
			return true
		}
	}
	return false
}

// trailKey explains the trails in a line of the key, or is "" when there are none.
func trailKey(pts []Point, opts Options) string {
	n := 0
	for _, p := range pts {
		if travelled(p, opts.Paths[p.Name]) {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	who := fmt.Sprintf("%d partners that moved", n)
	if n == 1 {
		who = "partner that moved"
	}
	if opts.PathDays > 0 {
		return fmt.Sprintf("Trails: where the %s stood %d days ago (hollow dot) and the way it came to its circle.", who, opts.PathDays)
	}
	return fmt.Sprintf("Trails: where the %s stood before (hollow dot) and the way it came to its circle.", who)
}

// signed writes a support value as the scale does: -2, -1, 0, +1, +2.
func signed(v float64) string {
	if v > 0 {
		return fmt.Sprintf("+%.0f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// box is an axis-aligned rectangle in pixels.
type box struct{ x0, y0, x1, y1 float64 }

// overlap is the area two boxes share.
func (a box) overlap(b box) float64 {
	w := math.Min(a.x1, b.x1) - math.Max(a.x0, b.x0)
	h := math.Min(a.y1, b.y1) - math.Max(a.y0, b.y0)
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}

// outside is the area of a that lies outside bounds.
func (a box) outside(bounds box) float64 {
	return (a.x1-a.x0)*(a.y1-a.y0) - a.overlap(bounds)
}

// mark is a point placed in pixels.
type mark struct {
	p    Point
	x, y float64
	r    float64
}

func (m mark) box() box { return box{m.x - m.r, m.y - m.r, m.x + m.r, m.y + m.r} }

// minNumbered is the smallest circle radius that still shows its ring number legibly.
const minNumbered = 7.0

// smaller says, for the note on a crowded map, when the circles were drawn smaller to fit.
func smaller(marks []mark) string {
	if len(marks) > 0 && marks[0].r < radius(marks[0].p.Ring) {
		return ", and every circle is drawn smaller so that they fit"
	}
	return ""
}

// fitScale is how much the circles shrink so that together they cover at most half the
// plot: 1 for a map of a few hundred partners, down to 0.3 for tens of thousands, where
// circles at full size would hide one another entirely.
func fitScale(pts []Point, f frame) float64 {
	area := 0.0
	for _, p := range pts {
		r := radius(p.Ring)
		area += math.Pi * r * r
	}
	if area == 0 {
		return 1
	}
	return clamp(math.Sqrt(0.5*(f.right-f.left)*(f.bottom-f.top)/area), 0.3, 1)
}

// radius grows with closeness: ring 1 is the largest circle.
func radius(ring int) float64 {
	if ring < 1 || ring > 5 {
		return 8
	}
	return 13 - float64(ring)
}

// place puts each point on the plot. Markers that would cover one another (partners
// with the same or nearly the same scores) are pushed apart a little so every partner
// stays visible: partners with the very same scores are set around their spot, and
// markers that merely touch are nudged, no further than maxNudge pixels.
func place(pts []Point, f frame) []mark {
	const gap = 2.0
	marks := make([]mark, len(pts))
	home := make([][2]float64, len(pts))
	allowed := make([]float64, len(pts))
	scale := fitScale(pts, f)
	for i, p := range pts {
		marks[i] = mark{p: p, x: f.x(clamp(p.Support, xLo, xHi)), y: f.y(clamp(p.Power, yLo, yHi)), r: radius(p.Ring) * scale}
		home[i] = [2]float64{marks[i].x, marks[i].y}
		allowed[i] = maxNudge
	}
	// Partners with the very same scores share a spot; grouped in order of their first member.
	at := map[[2]float64][]int{}
	var spots [][2]float64
	for i, h := range home {
		if _, ok := at[h]; !ok {
			spots = append(spots, h)
		}
		at[h] = append(at[h], i)
	}
	for _, spot := range spots {
		group := at[spot]
		if len(group) == 1 {
			continue
		}
		i := group[0]
		widest := 0.0
		for _, g := range group {
			widest = max(widest, marks[g].r)
		}
		if len(group) <= maxRing {
			// Around a circle on which neighbours are a marker's width apart.
			ring := (2*widest + gap) / (2 * math.Sin(math.Pi/float64(len(group))))
			for k, g := range group {
				a := 2*math.Pi*float64(k)/float64(len(group)) + math.Pi
				marks[g].x, marks[g].y = home[i][0]+ring*math.Cos(a), home[i][1]+ring*math.Sin(a)
				allowed[g] = max(maxNudge, ring+1)
			}
			continue
		}
		// A larger group fills a disc (a sunflower spiral: the k-th marker at radius ∝ √k,
		// turned by the golden angle), whose size grows with the square root of the group,
		// not with the group as one ring would.
		step := (2*widest + gap) / 1.7
		for k, g := range group {
			d, a := step*math.Sqrt(float64(k)+0.5), float64(k)*goldenAngle
			marks[g].x, marks[g].y = home[i][0]+d*math.Cos(a), home[i][1]+d*math.Sin(a)
			allowed[g] = max(maxNudge, step*math.Sqrt(float64(len(group)))+1)
		}
	}
	// Markers closer than a cell can touch: each is compared with those filed in the cells
	// around it when the round began (a pair that met during a round is caught in the next).
	var g markGrid
	g.cell = 2*radius(1)*scale + gap
	var near []int32
	for range 40 {
		moved := false
		g.file(marks)
		for i := range marks {
			near = g.around(near[:0], marks[i], int32(i))
			slices.Sort(near)
			for _, j := range near {
				a, b := &marks[i], &marks[int(j)]
				dx, dy := b.x-a.x, b.y-a.y
				d := math.Hypot(dx, dy)
				need := a.r + b.r + gap
				if d >= need-0.01 {
					continue
				}
				if d < 0.01 {
					dx, dy, d = 1, 0, 1
				}
				push := (need - d) / 2
				a.x, a.y = a.x-dx/d*push, a.y-dy/d*push
				b.x, b.y = b.x+dx/d*push, b.y+dy/d*push
				moved = true
			}
		}
		for i := range marks {
			dx, dy := marks[i].x-home[i][0], marks[i].y-home[i][1]
			if d := math.Hypot(dx, dy); d > allowed[i] {
				marks[i].x, marks[i].y = home[i][0]+dx/d*allowed[i], home[i][1]+dy/d*allowed[i]
			}
		}
		for i := range marks {
			// Every marker stays on the plot: a cluster at the edge is squeezed, not cut.
			m := &marks[i]
			m.x, m.y = clamp(m.x, f.left+m.r, f.right-m.r), clamp(m.y, f.top+m.r, f.bottom-m.r)
		}
		if !moved {
			break
		}
	}
	return marks
}

// markGrid files markers by grid cell, in one flat array (cells in row order, each cell's
// markers together), rebuilt each round of pushing.
type markGrid struct {
	cell       float64
	x0, y0     float64
	cols, rows int
	start      []int32 // cell c holds ids[start[c]:start[c+1]]
	ids        []int32
}

func (g *markGrid) at(x, y float64) (int, int) {
	cx := min(max(int((x-g.x0)/g.cell), 0), g.cols-1)
	cy := min(max(int((y-g.y0)/g.cell), 0), g.rows-1)
	return cx, cy
}

func (g *markGrid) file(marks []mark) {
	g.x0, g.y0 = math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, m := range marks {
		g.x0, g.y0, x1, y1 = min(g.x0, m.x), min(g.y0, m.y), max(x1, m.x), max(y1, m.y)
	}
	g.cols, g.rows = int((x1-g.x0)/g.cell)+1, int((y1-g.y0)/g.cell)+1
	g.start = slices.Grow(g.start[:0], g.cols*g.rows+1)[:g.cols*g.rows+1]
	clear(g.start)
	cells := make([]int32, len(marks))
	for i, m := range marks {
		cx, cy := g.at(m.x, m.y)
		cells[i] = int32(cy*g.cols + cx)
		g.start[cells[i]+1]++
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	g.ids = slices.Grow(g.ids[:0], len(marks))[:len(marks)]
	next := slices.Clone(g.start)
	for i, c := range cells {
		g.ids[next[c]] = int32(i)
		next[c]++
	}
}

// around appends the markers after i filed in the cells around m.
func (g *markGrid) around(dst []int32, m mark, i int32) []int32 {
	cx, cy := g.at(m.x, m.y)
	for y := max(cy-1, 0); y <= min(cy+1, g.rows-1); y++ {
		for x := max(cx-1, 0); x <= min(cx+1, g.cols-1); x++ {
			c := y*g.cols + x
			for _, j := range g.ids[g.start[c]:g.start[c+1]] {
				if j > i {
					dst = append(dst, j)
				}
			}
		}
	}
	return dst
}

// maxRing is the largest group of partners with the same scores set around one circle;
// larger ones fill a disc.
const maxRing = 8

// goldenAngle turns each marker of a disc from the one before, so none line up.
const goldenAngle = 2.399963229728653 // π(3 − √5)

// maxNudge is how far, in pixels, a marker may be pushed off its scores to stay visible.
const maxNudge = 20.0

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// label is a name placed next to its mark.
type label struct {
	mark   mark
	b      box
	leader bool // displaced: a line joins it to its mark
}

// anchorPoint is where a leader line meets the label: the middle of its nearer side.
func (l label) anchorPoint() (float64, float64) {
	cy := (l.b.y0 + l.b.y1) / 2
	switch {
	case l.mark.x < l.b.x0:
		return l.b.x0 - 1, cy
	case l.mark.x > l.b.x1:
		return l.b.x1 + 1, cy
	case l.mark.y < l.b.y0:
		return (l.b.x0 + l.b.x1) / 2, l.b.y0
	}
	return (l.b.x0 + l.b.x1) / 2, l.b.y1
}

// maxLabels is how many partners, at most, get a name on the picture. A plot holds about
// two hundred names before they cover each other and the circles; beyond that the names go
// to the highest-priority partners that have room, and the picture says so.
const maxLabels = 200

// placeLabels places the names one at a time, the most important partners (first in rank
// order) first. Each tries positions around its marker, near ones before far ones; the
// first that overlaps nothing placed so far (the fixed boxes, the markers, other names) and
// stays inside the plot wins. When every position collides, the one with the least overlap
// is taken. A label set away from its marker gets a leader line.
//
// With more than limit marks the map is crowded: only the first limit may be named, each
// only where a position is clear, and a name may cover the circles of partners that are not
// named (its white halo keeps it readable), never a named one's; a partner whose circle a
// name placed before already covers stays unnamed.
//
// The boxes placed so far are kept in a grid (see boxGrid), so a candidate is compared
// with its neighbours only: 10k partners took two minutes when each was compared with all.
func placeLabels(marks []mark, fixed []box, bounds box, limit int) []label {
	crowded := len(marks) > limit
	placed := newBoxGrid(labelCell)
	for _, o := range fixed {
		placed.add(o)
	}
	if !crowded {
		for _, m := range marks {
			placed.add(m.box())
		}
	}
	markers := len(placed.boxes) // boxes below this are fixed or markers; above, names
	var out []label
	for _, m := range marks[:min(len(marks), limit)] {
		own := m.box()
		if crowded && placed.overlaps(own) {
			continue // buried under a name placed before
		}
		w, h := textWidth(m.p.Name, labelSize), labelSize+4
		best, bestCost := label{}, math.Inf(1)
		for ci, c := range candidates(m, w, h) {
			b := c.b
			cost := b.outside(bounds) * 50
			placed.near(b, func(k int, o box) {
				if k < markers && o == own {
					return // its own marker
				}
				cost += b.overlap(o)
			})
			// Prefer near and early positions among equally clear ones.
			cost += float64(ci) * 0.01
			if cost < bestCost {
				best, bestCost = label{mark: m, b: b, leader: c.leader}, cost
			}
			if cost < 1 {
				break
			}
		}
		if crowded {
			if bestCost >= 1 {
				continue // no clear spot: an unnamed circle rather than a name over others
			}
			placed.add(own)
		}
		placed.add(best.b)
		out = append(out, best)
	}
	return out
}

// labelCell is the side of a grid cell for label placement, about a short label's width.
const labelCell = 64.0

// boxGrid files boxes by the grid cells they cover, so the boxes that may overlap a given
// box are found by looking at its cells only.
type boxGrid struct {
	cell  float64
	boxes []box
	cells map[[2]int][]int32
	seen  []uint32 // box → the last query that visited it, so a box over several cells counts once
	query uint32
}

func newBoxGrid(cell float64) *boxGrid {
	return &boxGrid{cell: cell, cells: map[[2]int][]int32{}}
}

// span is the range of cells b covers.
func (g *boxGrid) span(b box) (x0, y0, x1, y1 int) {
	return int(math.Floor(b.x0 / g.cell)), int(math.Floor(b.y0 / g.cell)), int(math.Floor(b.x1 / g.cell)), int(math.Floor(b.y1 / g.cell))
}

func (g *boxGrid) add(b box) {
	id := int32(len(g.boxes))
	g.boxes = append(g.boxes, b)
	g.seen = append(g.seen, 0)
	x0, y0, x1, y1 := g.span(b)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			g.cells[[2]int{x, y}] = append(g.cells[[2]int{x, y}], id)
		}
	}
}

// overlaps reports whether any box filed overlaps b.
func (g *boxGrid) overlaps(b box) bool {
	hit := false
	g.near(b, func(_ int, o box) { hit = hit || b.overlap(o) > 0 })
	return hit
}

// near calls fn once for every box filed in a cell that b covers: every box that overlaps b,
// and a few that do not.
func (g *boxGrid) near(b box, fn func(k int, o box)) {
	g.query++
	x0, y0, x1, y1 := g.span(b)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			for _, id := range g.cells[[2]int{x, y}] {
				if g.seen[id] != g.query {
					g.seen[id] = g.query
					fn(int(id), g.boxes[id])
				}
			}
		}
	}
}

type candidate struct {
	b      box
	leader bool
}

// candidates are label boxes around m: right, left, above, below and the diagonals just
// beside the marker, then the same directions farther out with a leader line.
func candidates(m mark, w, h float64) []candidate {
	var out []candidate
	for step, dist := range []float64{4, 16, 30, 46, 64} {
		g := m.r + dist
		pos := [][2]float64{
			{m.x + g, m.y - h/2},           // right
			{m.x - g - w, m.y - h/2},       // left
			{m.x - w/2, m.y - g - h},       // above
			{m.x - w/2, m.y + g},           // below
			{m.x + g*0.7, m.y - g*0.7 - h}, // up right
			{m.x - g*0.7 - w, m.y - g*0.7 - h},
			{m.x + g*0.7, m.y + g*0.7},
			{m.x - g*0.7 - w, m.y + g*0.7},
		}
		for _, p := range pos {
			out = append(out, candidate{b: box{p[0], p[1], p[0] + w, p[1] + h}, leader: step > 0})
		}
	}
	return out
}

// textWidth estimates the width of s in a sans-serif font of the given size: narrow and
// wide letters are told apart, which is close enough to keep labels apart.
func textWidth(s string, size float64) float64 {
	em := 0.0
	for _, r := range s {
		// Widths of DejaVu Sans, the widest common fallback: a label sized for it
		// fits in Helvetica and Arial too.
		switch {
		case strings.ContainsRune("iljtf.,;:'!|()[] ", r):
			em += 0.34
		case strings.ContainsRune("mwMW@", r):
			em += 0.92
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			em += 0.7
		default:
			em += 0.61
		}
	}
	return em * size
}
