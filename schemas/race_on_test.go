//go:build race

package schemas

// raceEnabled: the race detector makes sync.Pool drop items at random (the regexp package
// keeps its matchers in one), so allocation counts are not asserted under it.
const raceEnabled = true
