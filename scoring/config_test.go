package scoring

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want []string // messages, in order; none means valid
	}{
		{name: "the defaults are valid", edit: func(*Config) {}},
		{
			name: "points summing to 100 up to float error are valid",
			edit: func(c *Config) { c.PowerPoints, c.SupportPoints, c.AccessPoints, c.UrgencyPoints = 32.2, 40.1, 27.7, 0 },
		},
		{name: "soon_days 0 is valid", edit: func(c *Config) { c.SoonDays = 0 }},
		{name: "a cadence of 0 means none and is valid", edit: func(c *Config) { c.Cadence = []int{0, 0, 0, 0, 0} }},
		{
			name: "window_days must be positive",
			edit: func(c *Config) { c.WindowDays = 0 },
			want: []string{"scoring.window_days: must be a positive number of days or relationships, got 0"},
		},
		{
			name: "soon_days cannot be negative",
			edit: func(c *Config) { c.SoonDays = -1 },
			want: []string{"scoring.soon_days: must be 0 or more, got -1"},
		},
		{
			name: "cadence needs five rings",
			edit: func(c *Config) { c.Cadence = []int{14, 30} },
			want: []string{"scoring.cadence: needs 5 numbers of days, one for each ring 1–5 (0 = none), got 2"},
		},
		{
			name: "cadence days cannot be negative",
			edit: func(c *Config) { c.Cadence[2] = -5 },
			want: []string{"scoring.cadence: ring 3: must be 0 (none) or more days, got -5"},
		},
		{
			name: "thresholds need at least one meeting",
			edit: func(c *Config) { c.ActiveParticipation = 0 },
			want: []string{"scoring.active_participation: must be at least 1 meeting, got 0"},
		},
		{
			name: "alignment thresholds are on the 1–5 scale",
			edit: func(c *Config) { c.CoreAlignment = 6 },
			want: []string{"scoring.core_alignment: must be on the 1–5 scale, got 6"},
		},
		{
			name: "supportive_above is on the stance scale",
			edit: func(c *Config) { c.SupportiveAbove = 3 },
			want: []string{"scoring.supportive_above: must be on the -2..2 stance scale, got 3"},
		},
		{
			name: "the four power weights cannot all be 0",
			edit: func(c *Config) { c.InfluenceWeight, c.TrustWeight, c.ImpactWeight, c.CapacityWeight = 0, 0, 0, 0 },
			want: []string{"scoring.influence_weight: the four power weights cannot all be 0"},
		},
		{
			name: "points must sum to 100",
			edit: func(c *Config) { c.UrgencyPoints = 10 },
			want: []string{"scoring.power_points: power_points + support_points + access_points + urgency_points must be 100 so the score reads 0–100, got 95"},
		},
		{
			name: "access_full must be above 0",
			edit: func(c *Config) { c.AccessFull = 0 },
			want: []string{"scoring.access_full: must be more than 0, got 0"},
		},
		{
			name: "urgencies are between 0 and 1",
			edit: func(c *Config) { c.SoonUrgency = 1.5 },
			want: []string{"scoring.soon_urgency: must be between 0 and 1, got 1.5"},
		},
		{
			name: "several problems are reported in a fixed order",
			edit: func(c *Config) {
				c.MaxRelationships, c.WindowDays, c.DeepenDays, c.AnswerDays = 0, -1, 0, 0
				c.PotentialParticipation, c.CoreLeadership = 0, 0
				c.HighPower, c.MinAlignment = 0, 9
				c.UrgencyPoints, c.TrustWeight = 115, -1
				c.OverdueUrgency, c.SoonUrgency = 2, -1
			},
			want: []string{
				"scoring.window_days: must be a positive number of days or relationships, got -1",
				"scoring.deepen_days: must be a positive number of days or relationships, got 0",
				"scoring.answer_days: must be a positive number of days or relationships, got 0",
				"scoring.max_relationships: must be a positive number of days or relationships, got 0",
				"scoring.core_leadership: must be at least 1 meeting, got 0",
				"scoring.potential_participation: must be at least 1 meeting, got 0",
				"scoring.min_alignment: must be on the 1–5 scale, got 9",
				"scoring.high_power: must be on the 1–5 scale, got 0",
				"scoring.trust_weight: must be between 0 and 100, got -1",
				"scoring.urgency_points: must be between 0 and 100, got 115",
				"scoring.power_points: power_points + support_points + access_points + urgency_points must be 100 so the score reads 0–100, got 200",
				"scoring.overdue_urgency: must be between 0 and 1, got 2",
				"scoring.soon_urgency: must be between 0 and 1, got -1",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Run several times: map iteration would shuffle the messages between runs.
			for range 20 {
				c := DefaultConfig()
				tt.edit(&c)
				err := c.Validate()
				if len(tt.want) == 0 {
					if err != nil {
						t.Fatalf("Validate() = %v, want nil", err)
					}
					continue
				}
				if err == nil {
					t.Fatalf("Validate() = nil, want %q", tt.want)
				}
				if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
					t.Fatalf("Validate()\n got %q\nwant %q", got, tt.want)
				}
			}
		})
	}
}
