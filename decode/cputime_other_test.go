//go:build !unix

package decode

import "time"

// processCPU is not measured here; benchmarks then report wall time only.
func processCPU() (time.Duration, bool) { return 0, false }
