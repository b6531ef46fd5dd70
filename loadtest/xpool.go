package loadtest

import (
	"strconv"
	"strings"
	"sync"

	"github.com/pns-harness/pns-harness/pns"
)

// xPool spreads binds over the profile's X numbers round-robin, skipping an X that holds its
// capacity (AXB maxPerX, default 5000; AX 1; AXE the extension space), and allocates AXE
// extensions per X. With no X numbers it returns "" and the platform chooses.
type xPool struct {
	mu     sync.Mutex
	xs     []string
	inUse  []int
	ext    []int
	cap    int
	cursor int
	digits int
	extMax int
}

// newXPool gives shard i of n every n-th X number starting at i, so that shards never share an
// X (AX binds one A per X; AXE extensions are allocated per X by each shard).
func newXPool(mode pns.Mode, app *AppProfile, shard, shards int) *xPool {
	all := app.Xs()
	spec := mode.Spec()
	if spec.PlatformChoosesX() {
		all = nil // no bind field names the X (AXYB, §6.2)
	}
	p := &xPool{}
	for i := shard; i < len(all); i += shards {
		p.xs = append(p.xs, all[i])
	}
	p.inUse = make([]int, len(p.xs))
	switch {
	case spec.OneAPerX:
		p.cap = 1
	case spec.Extensions:
		p.digits = app.ExtensionDigits
		if p.digits <= 0 || p.digits > 4 {
			p.digits = 4
		}
		p.extMax = 1
		for i := 0; i < p.digits; i++ {
			p.extMax *= 10
		}
		p.extMax-- // all zeros is never used
		p.cap = p.extMax
		p.ext = make([]int, len(p.xs))
	default:
		p.cap = app.MaxPerX
		if p.cap <= 0 {
			p.cap = 5000
		}
	}
	return p
}

// acquire picks the next X with room; when every X is full it still returns the next one (the
// platform then refuses the bind, which is the honest outcome of a plan beyond capacity).
func (p *xPool) acquire() (idx int, x, ext string) {
	if len(p.xs) == 0 {
		return -1, "", ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.xs)
	j := p.cursor % n
	for i := 0; i < n; i++ {
		k := (p.cursor + i) % n
		if p.inUse[k] < p.cap {
			j = k
			break
		}
	}
	p.cursor = j + 1
	p.inUse[j]++
	if p.ext != nil {
		p.ext[j] = p.ext[j]%p.extMax + 1
		s := strconv.Itoa(p.ext[j])
		ext = strings.Repeat("0", p.digits-len(s)) + s
	}
	return j, p.xs[j], ext
}

func (p *xPool) release(idx int) {
	if idx < 0 {
		return
	}
	p.mu.Lock()
	if p.inUse[idx] > 0 {
		p.inUse[idx]--
	}
	p.mu.Unlock()
}
