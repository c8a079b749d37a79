package scoring

import (
	"fmt"
	"reflect"
	"testing"
)

// TestChunkedScoringIsTheSinglePass scores the same records in one pass and with the
// partners cut into 2, 3, 7 and more chunks than partners, and wants the very same result:
// assessments in the same order with the same warm paths and steps, the same issues in the
// same order, the same counts. Run with -race, it also checks the chunks share nothing
// they write.
func TestChunkedScoringIsTheSinglePass(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Nonpartisan = true
	for _, n := range []int{1, 40, 1000} {
		recs := prepared(benchRecords(n, 10))
		want := scoreIn(recs, cfg, asOf, 1)
		if n == 1000 && (len(want.Issues) == 0 || want.Inactive == 0 || len(want.FollowUps) == 0) {
			t.Fatalf("%d partners: %d issues, %d inactive, %d follow-ups: the records do not exercise scoring",
				n, len(want.Issues), want.Inactive, len(want.FollowUps))
		}
		for _, chunks := range []int{0, 2, 3, 7, 2 * n} {
			t.Run(fmt.Sprintf("partners=%d/chunks=%d", n, chunks), func(t *testing.T) {
				got := scoreIn(recs, cfg, asOf, chunks)
				if !reflect.DeepEqual(got.Assessments, want.Assessments) {
					t.Errorf("assessments differ from the single pass's")
				}
				if !reflect.DeepEqual(got.Issues, want.Issues) {
					t.Errorf("issues differ from the single pass's")
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("result differs from the single pass's")
				}
			})
		}
	}
}
