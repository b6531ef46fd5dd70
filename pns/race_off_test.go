//go:build !race

package pns

const raceEnabled = false
