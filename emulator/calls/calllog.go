// This file is split from sim.go (issue 23): the call log of each app, bounded in time and
// length, which the admin interface reads.

package calls

import (
	"sort"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

func (s *Simulator) logCall(appKey string, r *CallRecord) {
	now := s.clk.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	l := append(s.logs[appKey], r)
	l = pruneLog(l, now, s.opt.MaxLogPerApp)
	s.logs[appKey] = l
}

func pruneLog(l []*CallRecord, now time.Time, maxN int) []*CallRecord {
	cut := 0
	limit := pns.FormatUTC(now.Add(-LogRetention))
	for cut < len(l) && l[cut].Fee.CallInTime < limit {
		cut++
	}
	// Trim by count with some slack, so that a full log is not copied on every call.
	if len(l)-cut > maxN+maxN/8 {
		cut = len(l) - maxN
	}
	if cut == 0 {
		return l
	}
	return append([]*CallRecord(nil), l[cut:]...)
}

// CallLog returns an app's calls of the last 31 days of emulator time, oldest first.
func (s *Simulator) CallLog(appKey string) []CallRecord {
	now := s.clk.Now()
	s.mu.Lock()
	l := pruneLog(s.logs[appKey], now, s.opt.MaxLogPerApp)
	s.logs[appKey] = l
	if len(l) > s.opt.MaxLogPerApp {
		l = l[len(l)-s.opt.MaxLogPerApp:]
	}
	out := make([]CallRecord, len(l))
	for i, r := range l {
		out[i] = *r
	}
	s.mu.Unlock()
	return out
}

// Apps returns the app keys that have a call log, sorted.
func (s *Simulator) Apps() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.logs))
	for k := range s.logs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
