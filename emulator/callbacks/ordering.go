// Split from dispatcher.go (issue 23): the ordering of first attempts per ordering key, and the ready queues.

package callbacks

import (
	"bytes"
	"encoding/json"
)

// keyQueue holds the first attempts waiting behind the message that holds an ordering key.
type keyQueue struct {
	held []*message
}

// sessionIDKey is how encoding/json (and every compact JSON writer) spells the key.
var sessionIDKey = []byte(`"sessionId":"`)

// eventSessionID returns statusInfo.sessionId of a call-event body, "" when it has none. The
// common case (compact JSON, one sessionId, no escapes) is a byte scan; anything else is
// decoded properly. In an event body only statusInfo carries a sessionId key, and quotes inside
// string values are escaped, so a single unescaped match is that key.
func eventSessionID(body []byte) string {
	if i := bytes.Index(body, sessionIDKey); i >= 0 {
		rest := body[i+len(sessionIDKey):]
		if j := bytes.IndexByte(rest, '"'); j >= 0 && bytes.IndexByte(rest[:j], '\\') < 0 &&
			!bytes.Contains(rest[j:], sessionIDKey) {
			return string(rest[:j])
		}
	}
	var ev struct {
		StatusInfo struct {
			SessionID string `json:"sessionId"`
		} `json:"statusInfo"`
	}
	if json.Unmarshal(body, &ev) != nil {
		return ""
	}
	return ev.StatusInfo.SessionID
}

// pushFirstLocked queues a new unbatched message: on the ready queue, or behind the message
// that holds its ordering key.
func (d *Dispatcher) pushFirstLocked(m *message) {
	if m.key != "" {
		if q, ok := d.keys[m.key]; ok {
			d.counters[m.kind].messages.Add(1)
			q.held = append(q.held, m)
			d.held++
			m.dest.held++
			return
		}
		d.keys[m.key] = &keyQueue{}
	}
	d.pushReadyLocked(m)
}

// releaseKeyLocked ends the hold of a first attempt on its ordering key: the next held
// message of the key (if any) becomes ready and holds the key in turn.
func (d *Dispatcher) releaseKeyLocked(key string) {
	q := d.keys[key]
	if q == nil {
		return
	}
	if len(q.held) == 0 {
		delete(d.keys, key)
		return
	}
	next := q.held[0]
	q.held[0] = nil
	q.held = q.held[1:]
	d.held--
	next.dest.held--
	d.readyLocked(next)
}

func (d *Dispatcher) pushReadyLocked(m *message) {
	if m.attempts == 0 {
		d.counters[m.kind].messages.Add(1)
	}
	d.readyLocked(m)
}

// readyLocked appends a message to its destination's ready queue and starts a worker for the
// destination when none is free to take it.
func (d *Dispatcher) readyLocked(m *message) {
	q := m.dest
	q.ready = append(q.ready, m)
	d.queued++
	if q.running < d.opts.Workers && q.running-q.inflight < len(q.ready) {
		q.running++
		d.wg.Add(1)
		go d.worker(q)
	}
}
