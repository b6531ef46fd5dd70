package conformance

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// numberSource hands out fresh numbers from prefix blocks. A run starts at a random offset in
// every block and counts up, so that scenarios of one run never share a number and two runs
// against a shared platform are unlikely to meet.
type numberSource struct {
	mu     sync.Mutex
	blocks []string
	width  int // total length of a number, e.g. 14 for +86 mobile
	next   []uint64
	turn   int
}

func randUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func newNumberSource(blocks []string, width int, seed uint64) *numberSource {
	s := &numberSource{blocks: blocks, width: width, next: make([]uint64, len(blocks))}
	for i := range blocks {
		s.next[i] = seed + uint64(i)*7919
	}
	return s
}

// fresh returns the next number, cycling through the blocks.
func (s *numberSource) fresh() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.turn % len(s.blocks)
	s.turn++
	b := s.blocks[i]
	digits := s.width - len(b)
	mod := uint64(1)
	for k := 0; k < digits; k++ {
		mod *= 10
	}
	n := s.next[i] % mod
	s.next[i]++
	return b + fmt.Sprintf("%0*d", digits, n)
}

// xSource hands out an app's X numbers round robin from a random start, so that consecutive
// scenarios use different X numbers (AX allows only one A per X) and a real platform's small
// pool is shared fairly.
type xSource struct {
	mu   sync.Mutex
	xs   []string
	next int
}

func newXSource(xs []string, seed uint64) *xSource {
	return &xSource{xs: xs, next: int(seed % uint64(len(xs)))}
}

// take returns the next X not in avoid (a scenario's X numbers must be distinct).
func (s *xSource) take(avoid map[string]bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := 0; k < len(s.xs); k++ {
		x := s.xs[s.next%len(s.xs)]
		s.next++
		if !avoid[x] {
			return x, nil
		}
	}
	return "", fmt.Errorf("profile has too few X numbers (%d)", len(s.xs))
}

// placeholderRe matches <NAME> placeholders left after Gherkin's own Examples substitution.
var placeholderRe = regexp.MustCompile(`<([A-Za-z][A-Za-z0-9_.:+\-]*)>`)

// resolver resolves one placeholder name to its value.
type resolver func(name string) (string, error)

// substitute replaces every placeholder in s. escape, if non-nil, is applied to each value
// (for query strings); a name prefixed "raw:" is never escaped.
func substitute(s string, resolve resolver, escape func(string) string) (string, error) {
	var firstErr error
	out := placeholderRe.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		raw := false
		if strings.HasPrefix(name, "raw:") {
			raw, name = true, name[4:]
		}
		v, err := resolve(name)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return m
		}
		if escape != nil && !raw {
			return escape(v)
		}
		return v
	})
	return out, firstErr
}

// substituteQuery fills a query-string template such as "relationNum=<X1>&pageSize=10": every
// value is URL-escaped (a + becomes %2B as the platform requires, §1.4), except values written
// as <raw:NAME>, which are inserted verbatim (to test an unescaped +).
func substituteQuery(q string, resolve resolver) (string, error) {
	return substitute(q, resolve, url.QueryEscape)
}

// generated resolves the placeholders that need no scenario state: <str:N> (N letters),
// <digits:N> (N digits) and <spaces:N>.
func generated(name string) (string, bool, error) {
	kind, arg, ok := strings.Cut(name, ":")
	if !ok {
		return "", false, nil
	}
	var ch string
	switch kind {
	case "str":
		ch = "a"
	case "digits":
		ch = "1"
	default:
		return "", false, nil
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 || n > 100000 {
		return "", true, fmt.Errorf("placeholder <%s>: bad length", name)
	}
	return strings.Repeat(ch, n), true, nil
}
