package scoring

// Placement is where a partner's own row puts it on a power map: support S, power P and
// the quadrant, as §3 computes them.
type Placement struct {
	Support      float64
	SupportKnown bool // false when S defaulted to neutral
	Power        float64
	PowerKnown   bool // false when P defaulted
	Quadrant     Quadrant
}

// Place computes p's placement from its row alone. It is what Score does for each partner,
// offered on its own so that a campaign can place a copy of p whose Stance and Influence
// it has overridden, with the very same rules.
func Place(p *Partner, cfg Config) Placement {
	var pl Placement
	_, pl.Support, pl.SupportKnown = alignmentSupport(p)
	pl.Power, pl.PowerKnown = power(p, cfg)
	pl.Quadrant = quadrantOf(pl.Power, pl.Support, cfg)
	return pl
}
