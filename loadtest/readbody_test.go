package loadtest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadBody: readBody returns what io.ReadAll(io.LimitReader(r, limit)) returns, whatever
// the announced length (right, too small, too large, unknown), the limit and the reads' size.
func TestReadBody(t *testing.T) {
	for _, n := range []int{0, 1, 100, 511, 512, 513, 2000, 70000} {
		body := strings.Repeat("abcdefghij", n/10+1)[:n]
		for _, limit := range []int64{1, 10, 512, 1000, 64 << 10} {
			want, _ := io.ReadAll(io.LimitReader(strings.NewReader(body), limit))
			for _, size := range []int64{-1, 0, int64(n) / 2, int64(n), int64(n) + 7, 1 << 20} {
				for name, r := range map[string]io.Reader{
					"plain":   strings.NewReader(body),
					"onebyte": iotest.OneByteReader(strings.NewReader(body)),
					"dataerr": iotest.DataErrReader(strings.NewReader(body)),
				} {
					got, err := readBody(nil, r, limit, size)
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("%s body %d limit %d size %d: %d bytes, %v; want %d bytes", name, n, limit, size, len(got), err, len(want))
					}
				}
				// A recycled buffer (a hit's, holding an older answer) of any capacity gives the
				// same bytes, and is used when it is large enough.
				for _, c := range []int{1, 600, 4096} {
					old := bytes.Repeat([]byte("Z"), c)
					got, err := readBody(old[:0], strings.NewReader(body), limit, size)
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("recycled %d, body %d limit %d size %d: %q, %v; want %d bytes", c, n, limit, size, got, err, len(want))
					}
					if size >= 0 && int64(len(want)) == min(size, limit) && min(size+1, limit) <= int64(c) && len(got) > 0 && &got[0] != &old[0] {
						t.Fatalf("recycled %d, body %d limit %d size %d: a new buffer although the recycled one fits", c, n, limit, size)
					}
				}
			}
		}
	}
	boom := errors.New("boom")
	got, err := readBody(nil, io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 100, -1)
	if string(got) != "abc" || !errors.Is(err, boom) {
		t.Fatalf("read error: %q, %v", got, err)
	}
}
