// Package suggest finds the known name a mistyped one most likely meant, for the "did you
// mean" of flags, subcommands and YAML keys: one rule for every place a name is looked up.
package suggest

import "strings"

// Closest returns the candidate nearest to name by edit distance (a swap of two neighbouring
// letters counts as one edit, the commonest typo), if it is near enough to be a typo (at most
// a third of the name's length, at least 1) or has name as a prefix; else "".
func Closest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		if len(name) >= 3 && strings.HasPrefix(c, name) {
			return c
		}
		if d := distance(name, c); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > max(1, len(name)/3) {
		return ""
	}
	return best
}

// distance is the optimal-string-alignment distance between a and b: insertions, deletions,
// substitutions and swaps of neighbours (bytes: the names are ASCII).
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
