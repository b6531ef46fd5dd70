// Split from dispatcher.go (issue 23): the batching of fee and numStatus records into messages.

package callbacks

import (
	"bytes"
	"time"

	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
)

type batchKey struct {
	kind int
	app  AppRef
	url  string
}

type batch struct {
	items   [][]byte
	refs    []string
	emitted []time.Time
	size    int
	timer   *clock.Timer
}

// batchMax is the cap of a batched kind's messages: the configured one for fee records and
// status changes (Options.FeeBatchMax, StatusBatchMax), else the BatchCap of its pns row.
func (d *Dispatcher) batchMax(k int) int {
	switch Kinds[k] {
	case pns.NotifyFee:
		return d.opts.FeeBatchMax
	case pns.NotifyNumStatus:
		return d.opts.StatusBatchMax
	}
	return pns.Notifications[k].BatchCap
}

func (d *Dispatcher) addToBatchLocked(k int, p Push, body []byte, emitted time.Time) {
	key := batchKey{kind: k, app: p.App, url: p.URL}
	b := d.batches[key]
	if b == nil {
		b = &batch{}
		d.batches[key] = b
		// The window starts with the first record of a batch (D70). The callback checks that
		// the batch it was armed for is still the current one, since Stop can race with firing.
		armed := b
		b.timer = d.clk.AfterFunc(d.opts.FeeBatchWindow, func() {
			d.mu.Lock()
			if d.batches[key] == armed {
				d.flushLocked(key, armed)
			}
			d.mu.Unlock()
		})
	}
	b.items = append(b.items, body)
	b.emitted = append(b.emitted, emitted)
	if p.Ref != "" {
		b.refs = append(b.refs, p.Ref)
	}
	b.size += len(body)
	if len(b.items) >= d.batchMax(k) {
		b.timer.Stop()
		d.flushLocked(key, b)
	}
}

// flushLocked turns a batch into a message on the ready queue.
func (d *Dispatcher) flushLocked(key batchKey, b *batch) {
	delete(d.batches, key)
	if len(b.items) == 0 {
		return
	}
	var buf bytes.Buffer
	buf.Grow(b.size + len(b.items) + 40)
	// The envelope of the kind's pns row: {"eventType":"fee","feeLst":[…]},
	// {"eventType":"numStatus","numInfo":[…]}.
	n := &pns.Notifications[key.kind]
	buf.WriteString(`{"eventType":"`)
	buf.WriteString(n.EventType)
	buf.WriteString(`","`)
	buf.WriteString(n.List)
	buf.WriteString(`":[`)
	for i, it := range b.items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(it)
	}
	buf.WriteString("]}")
	d.pushReadyLocked(&message{kind: key.kind, app: key.app, url: key.url, dest: d.destLocked(key.app.Key, key.url),
		body: buf.Bytes(), refs: b.refs, records: len(b.items), emitted: formatEmitted(b.emitted...), sent: b.emitted[len(b.emitted)-1]})
}

// Flush sends every open fee and numStatus batch now instead of at the end of its window
// (for tests and shutdown).
func (d *Dispatcher) Flush() {
	d.mu.Lock()
	for key, b := range d.batches {
		b.timer.Stop()
		d.flushLocked(key, b)
	}
	d.mu.Unlock()
}
