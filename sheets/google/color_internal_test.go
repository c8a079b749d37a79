package google

import (
	"fmt"
	"math"
	"testing"

	"github.com/partnermap/partnermap/sheets"
)

// Rounded colours must show exactly as the hex they come from: the API keeps 8 bits a
// channel, so every component must come back to its byte.
func TestRoundedColoursKeepEveryByte(t *testing.T) {
	var hexes []string
	for _, h := range tones {
		hexes = append(hexes, h)
	}
	for _, tone := range []sheets.Tone{sheets.ToneAlert, sheets.ToneWarn, sheets.ToneGood, sheets.ToneInfo, sheets.ToneMuted, ""} {
		hexes = append(hexes, tone.Ink())
	}
	for v := range 256 {
		hexes = append(hexes, fmt.Sprintf("#%02x%02x%02x", v, 255-v, v/2))
	}
	for _, hex := range hexes {
		var r, g, b int
		if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b); err != nil {
			t.Fatal(err)
		}
		c := color(hex)
		for i, pair := range [][2]float64{{c.Red, float64(r)}, {c.Green, float64(g)}, {c.Blue, float64(b)}} {
			if got := math.Round(pair[0] * 255); got != pair[1] {
				t.Errorf("%s component %d: %v shows as %v; want %v", hex, i, pair[0], got, pair[1])
			}
		}
	}
}
