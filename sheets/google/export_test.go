package google

import (
	"context"
	"errors"

	"github.com/partnermap/partnermap/sheets"
)

// StagingKey is the developer-metadata key of a staging tab, for tests.
const StagingKey = stagingKey

// StagedAbove is s with writes staged above limit body bytes instead of stageBodyBytes, so
// tests of staged writes stay small. Limit 0 stages every write, each with the smallest
// limit its layout allows, so nearly every row goes through a staging tab.
func StagedAbove(s *Sheet, limit int) sheets.Source { return &smallCalls{Sheet: s, limit: limit} }

type smallCalls struct {
	*Sheet
	limit int
}

func (c *smallCalls) Write(ctx context.Context, snap *sheets.Snapshot, tabs []sheets.Tab, adopt []string) error {
	if c.limit > 0 {
		return c.write(ctx, snap, tabs, adopt, c.limit)
	}
	// A refused layout makes no call, so trying again with a larger limit is safe.
	for limit := 256; ; limit += 64 {
		err := c.write(ctx, snap, tabs, adopt, limit)
		if !errors.Is(err, errLayoutTooLarge) && !errors.Is(err, errRowTooLarge) {
			return err
		}
	}
}
