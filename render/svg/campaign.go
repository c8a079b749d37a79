package svg

import (
	"bufio"
	"fmt"
	"io"

	"github.com/partnermap/partnermap/campaign"
	"github.com/partnermap/partnermap/scoring"
)

// Target is a campaign's decision-maker as the picture draws it.
type Target struct {
	Name    string
	Support float64 // -2..2, its own stance
	Known   bool    // false: the stance is unknown and Support is a neutral 0
}

// targetBand is the height in pixels of the band above the plot that holds the target.
const targetBand = 46.0

// Campaign writes one campaign's power map as SVG to w: its partners placed by their
// support and power for the campaign, and its target at the top.
func Campaign(w io.Writer, m *campaign.Map, asOf scoring.Date, opts Options) error {
	pts := make([]Point, len(m.Placements))
	for i, pl := range m.Placements {
		pts[i] = Point{Name: pl.Name(), Support: pl.Support, Power: pl.Power, Ring: pl.Assessment.Ring, Quadrant: pl.Quadrant}
	}
	if opts.Title == "" {
		opts.Title = "Power map: " + m.Campaign.Name
	}
	if opts.Subtitle == "" {
		opts.Subtitle = fmt.Sprintf("Who supports this campaign (right) and who has power over its target (up): %d active partners", len(pts))
	}
	if m.Target.Name != "" {
		opts.Target = &Target{Name: m.Target.Name, Support: m.Target.Support, Known: m.Target.Known}
	}
	bw := bufio.NewWriter(w)
	draw(bw, pts, asOf, opts)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the power map picture of %s: %w", m.Campaign.Name, err)
	}
	return nil
}

// drawTarget draws the target in the band above the plot: a dark diamond at its stance and
// its name beside it, and returns the box they cover, an obstacle for the partners' labels.
func drawTarget(s svgWriter, f frame, t Target) box {
	x, y := f.x(clamp(t.Support, xLo, xHi)), f.top-targetBand/2
	const r = 11.0
	s.printf(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#202124" stroke-width="0.8" stroke-dasharray="2 3"/>`+"\n",
		f.left, f.top-targetBand, f.right, f.top-targetBand)
	s.printf(`<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="#202124" stroke="#FFFFFF" stroke-width="1.5"/>`+"\n",
		x, y-r, x+r, y, x, y+r, x-r, y)
	label := "Target: " + t.Name
	if !t.Known {
		label += " (stance unknown)"
	}
	w := textWidth(label, labelSize+1)
	lx, anchor := x+r+6, "start"
	if lx+w > f.right {
		lx, anchor = x-r-6, "end"
	}
	s.text(lx, y+4.5, fmt.Sprintf(`font-size="%.0f" font-weight="bold" fill="#202124" text-anchor="%s"`, labelSize+1, anchor), label)
	b := box{x - r, y - r, x + r, y + r}
	if anchor == "start" {
		b.x1 = lx + w
	} else {
		b.x0 = lx - w
	}
	return b
}
