// This file is split from store.go (issue 23): the subscriptionIds the store hands out.

package store

import (
	"crypto/rand"
	"sync"
)

// newID returns a fresh subscriptionId: a lower-case UUIDv4 (D26), as uuid.NewString writes
// it, from random bytes read from crypto/rand a few kilobytes at a time rather than 16 bytes
// (a system call and two allocations) per bind (issue 25).
func newID() string {
	var u [16]byte
	ids.mu.Lock()
	if ids.n < len(u) {
		_, _ = rand.Read(ids.buf[:]) // crypto/rand.Read does not return an error (it crashes instead)
		ids.n = len(ids.buf)
	}
	copy(u[:], ids.buf[len(ids.buf)-ids.n:])
	ids.n -= len(u)
	ids.mu.Unlock()
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // variant RFC 4122
	const hexDigits = "0123456789abcdef"
	var out [36]byte
	j := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = hexDigits[c>>4], hexDigits[c&0x0f]
		j += 2
	}
	return string(out[:])
}

// ids is newID's supply of random bytes: buf's last n bytes are unused.
var ids struct {
	mu  sync.Mutex
	buf [4096]byte
	n   int
}
