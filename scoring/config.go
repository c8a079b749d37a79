package scoring

import (
	"errors"
	"fmt"
	"math"
)

// Config holds every number of the computations; DefaultConfig gives the method's defaults.
// The mapstructure tags are the keys under `scoring:` in config.yaml.
type Config struct {
	// WindowDays is the activity window W: meetings in (D−W, D] count as activity.
	WindowDays int `mapstructure:"window_days"`
	// SoonDays: an open next step due within this many days is "due soon".
	SoonDays int `mapstructure:"soon_days"`
	// DefaultDueDays: a next step with no Due date is due this many days after its meeting.
	DefaultDueDays int `mapstructure:"default_due_days"`
	// ReassessDays: scores assessed longer ago than this need reassessing.
	ReassessDays int `mapstructure:"reassess_days"`
	// DeepenDays: a Transactional partner first met longer ago than this should go deeper.
	DeepenDays int `mapstructure:"deepen_days"`
	// AnswerDays: a small ask still Pending longer than this after its meeting needs an answer.
	AnswerDays int `mapstructure:"answer_days"`
	// Cadence is the check-in cadence in days for rings 1–5; 0 means no check-in is due.
	Cadence []int `mapstructure:"cadence"`

	// Ring thresholds on behaviour (counts of meetings in window).
	CoreLeadership         int `mapstructure:"core_leadership"`         // leadership ≥ this → ring 1
	PotentialLeadership    int `mapstructure:"potential_leadership"`    // leadership ≥ this → ring 2
	PotentialParticipation int `mapstructure:"potential_participation"` // or participations ≥ this → ring 2
	ActiveParticipation    int `mapstructure:"active_participation"`    // participations ≥ this → ring 3
	// Ring caps on alignment A.
	CoreAlignment      float64 `mapstructure:"core_alignment"`      // A ≥ this allows ring 1
	PotentialAlignment float64 `mapstructure:"potential_alignment"` // A ≥ this allows ring 2
	MinAlignment       float64 `mapstructure:"min_alignment"`       // A below this → ring 5

	// Power weights.
	InfluenceWeight float64 `mapstructure:"influence_weight"`
	TrustWeight     float64 `mapstructure:"trust_weight"`
	ImpactWeight    float64 `mapstructure:"impact_weight"`
	CapacityWeight  float64 `mapstructure:"capacity_weight"`
	// DefaultPower is P when none of the power columns is filled in.
	DefaultPower float64 `mapstructure:"default_power"`
	// HighPower: P ≥ this is high power on the power map.
	HighPower float64 `mapstructure:"high_power"`
	// SupportiveAbove: S > this is supportive on the power map.
	SupportiveAbove float64 `mapstructure:"supportive_above"`

	// Priority score weights (they sum to 100 by default).
	PowerPoints   float64 `mapstructure:"power_points"`
	SupportPoints float64 `mapstructure:"support_points"`
	AccessPoints  float64 `mapstructure:"access_points"`
	UrgencyPoints float64 `mapstructure:"urgency_points"`
	// AccessFull: Σ warm-path strength at which access reaches 1.
	AccessFull float64 `mapstructure:"access_full"`
	// Urgency for an overdue step or check-in, and for a step due soon.
	OverdueUrgency float64 `mapstructure:"overdue_urgency"`
	SoonUrgency    float64 `mapstructure:"soon_urgency"`

	// MaxRelationships is an owner's capacity when the Members tab does not say.
	MaxRelationships int `mapstructure:"max_relationships"`
	// Nonpartisan flags partners that endorse candidates.
	Nonpartisan bool `mapstructure:"nonpartisan"`
}

// DefaultConfig returns the defaults of the spec (§3).
func DefaultConfig() Config {
	return Config{
		WindowDays:             180,
		SoonDays:               7,
		DefaultDueDays:         14,
		ReassessDays:           365,
		DeepenDays:             180,
		AnswerDays:             14,
		Cadence:                []int{14, 30, 60, 90, 0},
		CoreLeadership:         2,
		PotentialLeadership:    1,
		PotentialParticipation: 3,
		ActiveParticipation:    1,
		CoreAlignment:          4.5,
		PotentialAlignment:     3.5,
		MinAlignment:           3,
		InfluenceWeight:        2,
		TrustWeight:            1,
		ImpactWeight:           1,
		CapacityWeight:         1,
		DefaultPower:           3,
		HighPower:              3,
		SupportiveAbove:        0,
		PowerPoints:            40,
		SupportPoints:          25,
		AccessPoints:           20,
		UrgencyPoints:          15,
		AccessFull:             3,
		OverdueUrgency:         1,
		SoonUrgency:            0.5,
		MaxRelationships:       8,
	}
}

// Validate reports every out-of-range number, naming its key under scoring.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("scoring.%s: "+format, append([]any{key}, args...)...))
	}
	// Slices, not maps, so the messages come in the same order every time.
	type intKey struct {
		key string
		v   int
	}
	type floatKey struct {
		key string
		v   float64
	}
	for _, k := range []intKey{
		{"window_days", c.WindowDays}, {"default_due_days", c.DefaultDueDays},
		{"reassess_days", c.ReassessDays}, {"deepen_days", c.DeepenDays},
		{"answer_days", c.AnswerDays}, {"max_relationships", c.MaxRelationships},
	} {
		if k.v <= 0 {
			bad(k.key, "must be a positive number of days or relationships, got %d", k.v)
		}
	}
	if c.SoonDays < 0 {
		bad("soon_days", "must be 0 or more, got %d", c.SoonDays)
	}
	if len(c.Cadence) != 5 {
		bad("cadence", "needs 5 numbers of days, one for each ring 1–5 (0 = none), got %d", len(c.Cadence))
	}
	for i, v := range c.Cadence {
		if v < 0 {
			bad("cadence", "ring %d: must be 0 (none) or more days, got %d", i+1, v)
		}
	}
	for _, k := range []intKey{
		{"core_leadership", c.CoreLeadership}, {"potential_leadership", c.PotentialLeadership},
		{"potential_participation", c.PotentialParticipation}, {"active_participation", c.ActiveParticipation},
	} {
		if k.v < 1 {
			bad(k.key, "must be at least 1 meeting, got %d", k.v)
		}
	}
	for _, k := range []floatKey{
		{"core_alignment", c.CoreAlignment}, {"potential_alignment", c.PotentialAlignment},
		{"min_alignment", c.MinAlignment}, {"default_power", c.DefaultPower}, {"high_power", c.HighPower},
	} {
		if k.v < 1 || k.v > 5 {
			bad(k.key, "must be on the 1–5 scale, got %g", k.v)
		}
	}
	if c.SupportiveAbove < -2 || c.SupportiveAbove > 2 {
		bad("supportive_above", "must be on the -2..2 stance scale, got %g", c.SupportiveAbove)
	}
	for _, k := range []floatKey{
		{"influence_weight", c.InfluenceWeight}, {"trust_weight", c.TrustWeight},
		{"impact_weight", c.ImpactWeight}, {"capacity_weight", c.CapacityWeight},
		{"power_points", c.PowerPoints}, {"support_points", c.SupportPoints},
		{"access_points", c.AccessPoints}, {"urgency_points", c.UrgencyPoints},
	} {
		if k.v < 0 || k.v > 100 {
			bad(k.key, "must be between 0 and 100, got %g", k.v)
		}
	}
	if c.InfluenceWeight+c.TrustWeight+c.ImpactWeight+c.CapacityWeight == 0 {
		bad("influence_weight", "the four power weights cannot all be 0")
	}
	// A tolerance, so that 32.2 + 40.1 + 27.7 (100.00000000000001 in floats) is accepted.
	if sum := c.PowerPoints + c.SupportPoints + c.AccessPoints + c.UrgencyPoints; math.Abs(sum-100) > 1e-9 {
		bad("power_points", "power_points + support_points + access_points + urgency_points must be 100 so the score reads 0–100, got %g", sum)
	}
	if c.AccessFull <= 0 {
		bad("access_full", "must be more than 0, got %g", c.AccessFull)
	}
	for _, k := range []floatKey{{"overdue_urgency", c.OverdueUrgency}, {"soon_urgency", c.SoonUrgency}} {
		if k.v < 0 || k.v > 1 {
			bad(k.key, "must be between 0 and 1, got %g", k.v)
		}
	}
	return errors.Join(errs...)
}
