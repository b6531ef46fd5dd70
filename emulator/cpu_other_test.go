//go:build !unix

package emulator

import "time"

// processCPU is not measured here: the benchmarks fall back to the wall clock.
func processCPU() time.Duration { return 0 }
