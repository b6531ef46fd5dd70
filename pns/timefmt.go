package pns

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Time layouts of the contract.
const (
	// CreatedLayout is the X-AKSK / X-WSSE `Created` format: UTC with literal T and Z, no
	// fractional seconds (reference §2.1).
	CreatedLayout = "2006-01-02T15:04:05Z"
	// UTCLayout is the format of every time in responses and notifications: UTC
	// `yyyy-MM-dd HH:mm:ss`, zero-padded (reference D72).
	UTCLayout = "2006-01-02 15:04:05"
	// SMSTimeLayout is the SMS notification's `timeStamp`: ISO 8601 UTC with milliseconds, as
	// Huawei's SMS examples show it (2020-12-23T09:06:16.450Z), unlike every other time of the
	// contract (reference §10.2, D90).
	SMSTimeLayout = "2006-01-02T15:04:05.000Z"
)

// FormatSMSTime formats t as an SMS notification's timeStamp (SMSTimeLayout, D90).
func FormatSMSTime(t time.Time) string { return t.UTC().Format(SMSTimeLayout) }

// FormatUTC formats t as the platform's UTC time string.
func FormatUTC(t time.Time) string { return t.UTC().Format(UTCLayout) }

// FormatCreated formats t as an X-AKSK `Created` value.
func FormatCreated(t time.Time) string { return t.UTC().Format(CreatedLayout) }

// ParseCreated parses a `Created` value strictly: exactly yyyy-MM-ddTHH:mm:ssZ (D3).
func ParseCreated(s string) (time.Time, error) {
	if len(s) != len(CreatedLayout) {
		return time.Time{}, fmt.Errorf("created %q: want yyyy-MM-ddTHH:mm:ssZ", s)
	}
	if t, ok := parseCreatedFast(s); ok {
		return t, nil
	}
	t, err := time.Parse(CreatedLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("created %q: want yyyy-MM-ddTHH:mm:ssZ", s)
	}
	return t, nil
}

// parseCreatedFast reads a well-formed Created without time.Parse, which was a quarter of the
// receiver's signature check (it runs on every push and request, twice with the nonce check):
// ok only for a value time.Parse(CreatedLayout) accepts, with the same instant
// (FuzzParseCreatedFast); anything else is left to time.Parse, for its verdict.
func parseCreatedFast(s string) (time.Time, bool) {
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		return time.Time{}, false
	}
	ok := true
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				ok = false
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, sec := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if !ok || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	if t.Day() != d { // past the month's end: time.Date moved it into the next month
		return time.Time{}, false
	}
	return t, true
}

// ParseUTC parses a platform time string leniently: Huawei's own examples are not always
// zero-padded (`2018-2-24 15:15:15`), so each component may have one or two digits. The result
// is in UTC.
func ParseUTC(s string) (time.Time, error) {
	// No allocation on success: the receiver parses every event's timestamp, so the error
	// is built only when returned and the parts are sliced, not split into new slices.
	bad := func() error { return fmt.Errorf("time %q: want yyyy-MM-dd HH:mm:ss", s) }
	date, clock, ok := strings.Cut(s, " ")
	if !ok {
		return time.Time{}, bad()
	}
	var parts [6]string
	okD := splitThree(date, '-', parts[0:3])
	okC := splitThree(clock, ':', parts[3:6])
	if !okD || !okC || len(parts[0]) != 4 {
		return time.Time{}, bad()
	}
	var v [6]int
	for i, p := range parts {
		if len(p) == 0 || len(p) > 4 || (i > 0 && len(p) > 2) {
			return time.Time{}, bad()
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return time.Time{}, bad()
		}
		v[i] = n
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC)
	if int(t.Month()) != v[1] || t.Day() != v[2] || t.Hour() != v[3] || t.Minute() != v[4] || t.Second() != v[5] {
		return time.Time{}, bad()
	}
	return t, nil
}

// splitThree splits s at sep into exactly three parts written to out (len 3), as
// strings.Split(s, string(sep)) with a length check would, without allocating.
func splitThree(s string, sep byte, out []string) bool {
	for i := 0; i < 2; i++ {
		k := strings.IndexByte(s, sep)
		if k < 0 {
			return false
		}
		out[i], s = s[:k], s[k+1:]
	}
	if strings.IndexByte(s, sep) >= 0 {
		return false
	}
	out[2] = s
	return true
}
