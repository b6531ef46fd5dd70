//go:build !race

package schemas

// raceEnabled: see race_on_test.go.
const raceEnabled = false
