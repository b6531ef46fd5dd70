package schemas

import (
	"regexp"
	"strconv"
	"testing"
	"time"
)

// refUTCTime is IsUTCTime as it was before issue 25: a regexp for the shape, then the calendar.
func refUTCTime(s string) bool {
	m := regexp.MustCompile(`^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})$`).FindStringSubmatch(s)
	if m == nil {
		return false
	}
	var f [6]int
	for i := range f {
		f[i], _ = strconv.Atoi(m[i+1])
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return false
	}
	return time.Date(f[0], time.Month(f[1]), f[2], 0, 0, 0, 0, time.UTC).Day() == f[2]
}

// FuzzIsUTCTimeAsRegexp: the hand-written scanner accepts exactly what the regexp version did.
func FuzzIsUTCTimeAsRegexp(f *testing.F) {
	for _, s := range []string{"2018-2-24 15:15:15", "2019-01-24 07:03:28", "2019-02-30 00:00:00", "2024-02-29 23:59:59",
		"2023-02-29 00:00:00", "20190-1-1 1:1:1", "2019-1-1 1:1:1 ", "2019-1-1T1:1:1", "2019-001-1 1:1:1", "2019-1-1  1:1:1",
		"2019-13-1 1:1:1", "2019-1-1 24:0:0", "2019-1-1 1:60:1", "2019-1-1 1:1:60", "0000-1-1 0:0:0", "2019-1-0 0:0:0",
		"٢٠١٩-1-1 1:1:1", "2019-1-1 1:1:", "2019-1-1 1:1:1\n", "", "2019-1-1 1:1:123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := IsUTCTime(s), refUTCTime(s); got != want {
			t.Fatalf("IsUTCTime(%q) = %v, the regexp version %v", s, got, want)
		}
	})
}

// TestIsUTCTimeAllocatesNothing: it runs on every timestamp the harness validates.
func TestIsUTCTimeAllocatesNothing(t *testing.T) {
	if a := testing.AllocsPerRun(100, func() { IsUTCTime("2018-2-24 15:15:15") }); a != 0 {
		t.Errorf("%.0f allocations, want 0", a)
	}
}
