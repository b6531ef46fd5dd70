// Split from dispatcher.go (issue 23): the log of messages dropped after their last re-push.

package callbacks

import (
	"time"
)

// Undelivered is a message dropped after its last re-push, as kept in the delivery log.
type Undelivered struct {
	Kind     string
	AppKey   string
	URL      string
	Refs     []string
	Records  int
	Attempts int
	// First and Last are the emulator-clock times of the first and last attempts.
	First, Last time.Time
	// LastStatus and LastError describe the last failure.
	LastStatus int
	LastError  string
	Body       []byte
}

func (d *Dispatcher) logUndelivered(m *message, now time.Time, status int, err error) {
	u := Undelivered{Kind: Kinds[m.kind], AppKey: m.app.Key, URL: m.url, Refs: m.refs, Records: m.records,
		Attempts: m.attempts, First: m.first, Last: now, LastStatus: status, Body: m.body}
	if err != nil {
		u.LastError = err.Error()
	}
	d.mu.Lock()
	if len(d.log) < d.opts.LogSize {
		d.log = append(d.log, u)
	} else {
		d.log[d.logNext] = u
		d.logNext = (d.logNext + 1) % d.opts.LogSize
	}
	d.mu.Unlock()
}

// UndeliveredLog returns the delivery log of dropped messages, oldest first.
func (d *Dispatcher) UndeliveredLog() []Undelivered {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Undelivered, 0, len(d.log))
	out = append(out, d.log[d.logNext:]...)
	return append(out, d.log[:d.logNext]...)
}
