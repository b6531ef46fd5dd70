package calls

import (
	"errors"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// ErrNoCall marks a stop call (§11.2) for a call the app does not have or that has already
// ended; the emulator answers it with 1012007 (D80).
var ErrNoCall = errors.New("no live call with this sessionId in this app")

// liveKey names a call the way a stop call does: the app that asks and the sessionId.
type liveKey struct{ app, session string }

// liveCall is a dispatched call whose pushes are not all out. Its pushes go through fire,
// callbackRecord and finish, which do nothing once the call is over (ended or stopped), so a
// timer that runs after a stop pushes nothing.
type liveCall struct {
	key   liveKey
	app   AppConfig
	p     *plan
	entry *CallRecord // the call log's entry, rewritten by a stop

	mu     sync.Mutex
	fired  int  // events pushed so far, in order
	cbDone bool // the AXE callback record was written
	over   bool
}

func (s *Simulator) addLive(lc *liveCall) {
	s.liveMu.Lock()
	s.live[lc.key] = lc
	s.liveMu.Unlock()
}

func (s *Simulator) dropLive(lc *liveCall) {
	s.liveMu.Lock()
	if s.live[lc.key] == lc {
		delete(s.live, lc.key)
	}
	s.liveMu.Unlock()
}

// fire pushes the call's events up to and including event i, in order (a timer that runs late
// cannot overtake an earlier one).
func (s *Simulator) fire(lc *liveCall, i int) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if !lc.over {
		s.fireLocked(lc, i)
	}
}

func (s *Simulator) fireLocked(lc *liveCall, i int) {
	for lc.fired <= i && lc.fired < len(lc.p.result.Events) {
		ev := lc.p.result.Events[lc.fired]
		sent := lc.fired == 0 && lc.p.xCallinSent // the X-mode Block callin, sent synchronously
		lc.fired++
		if ev.URL != "" && !sent {
			s.send(pns.NotifyEvent, lc.app.AppKey, ev.URL, lc.p.result.SessionID, ev.Event)
		}
	}
}

// callbackRecord writes the AXE callback record when the forwarded leg to A starts (§7.4).
func (s *Simulator) callbackRecord(lc *liveCall) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if !lc.over {
		s.callbackLocked(lc)
	}
}

func (s *Simulator) callbackLocked(lc *liveCall) {
	if lc.p.cbA != "" && !lc.cbDone {
		lc.cbDone = true
		s.be.SetCallback(lc.p.x, lc.p.cbA, lc.p.cbCaller)
	}
}

// finish ends the call as planned: the events not yet out, then the fee record.
func (s *Simulator) finish(lc *liveCall) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	s.finishLocked(lc)
}

func (s *Simulator) finishLocked(lc *liveCall) {
	if lc.over {
		return
	}
	s.fireLocked(lc, len(lc.p.result.Events)-1)
	s.callbackLocked(lc)
	lc.over = true
	s.dropLive(lc)
	if lc.app.FeeURL != "" {
		fee := lc.p.result.Fee
		s.send(pns.NotifyFee, lc.app.AppKey, lc.app.FeeURL, fee.Icid, fee)
	}
}

// Stop ends an app's live call at the current emulator instant, whatever its state (reference
// §11.2, D81): the events due by now are pushed, then a disconnect with stateCode 8017, then the
// fee record with ulFailReason 8017 and the times the call reached; later events are never
// pushed and a recording stops at the same instant. It returns the call as it ended, or
// ErrNoCall when the app has no such call or the call has already ended.
func (s *Simulator) Stop(appKey, sessionID string) (CallResult, error) {
	s.liveMu.Lock()
	lc := s.live[liveKey{appKey, sessionID}]
	s.liveMu.Unlock()
	if lc == nil {
		return CallResult{}, ErrNoCall
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.over {
		return CallResult{}, ErrNoCall
	}
	now := s.clk.Now().UTC()
	p := lc.p
	if !now.Before(p.end) {
		// The clock has passed the planned end and its timer has not run yet: the call ended.
		s.finishLocked(lc)
		return CallResult{}, ErrNoCall
	}
	due := 0
	for due < len(p.times) && !p.times[due].After(now) {
		due++
	}
	s.fireLocked(lc, due-1)
	if !p.calloutT.IsZero() && !p.calloutT.After(now) {
		s.callbackLocked(lc)
	}
	lc.over = true
	s.dropLive(lc)

	res := s.stopped(p, lc.fired, now)
	disc := res.Events[len(res.Events)-1]
	if disc.URL != "" {
		s.send(pns.NotifyEvent, appKey, disc.URL, sessionID, disc.Event)
	}
	if lc.app.FeeURL != "" {
		s.send(pns.NotifyFee, appKey, lc.app.FeeURL, res.Fee.Icid, res.Fee)
	}
	s.mu.Lock()
	lc.entry.CallResult = res
	s.mu.Unlock()
	return res, nil
}

// stopped is the result of a call stopped at now after its first fired events: those events,
// a disconnect with 8017 on the leg the call had reached, and a fee record that keeps only the
// times the call reached.
func (s *Simulator) stopped(p *plan, fired int, now time.Time) CallResult {
	res := p.result
	res.Events = append([]TimedEvent(nil), p.result.Events[:fired]...)
	reached := map[string]bool{}
	var answered time.Time
	for i, ev := range res.Events {
		reached[ev.EventType] = true
		if ev.EventType == pns.EventAnswer {
			answered = p.times[i]
		}
	}
	code := CauseReleasedByCustomer
	first := p.result.Events[0].StatusInfo
	si := pns.StatusInfo{Timestamp: pns.FormatUTC(now), SessionID: first.SessionID, Caller: first.Caller, Called: first.Called,
		SubscriptionID: first.SubscriptionID, UserData: first.UserData, StateCode: &code, StateDesc: StateDesc(code)}
	fee := res.Fee
	if reached[pns.EventCallout] {
		// Events of the forwarded leg: X → the forward target (D68).
		si.Caller, si.Called = fee.FwdDisplayNum, fee.FwdDstNum
	} else {
		fee.FwdDisplayNum, fee.FwdDstNum, fee.FwdStartTime = "", "", ""
	}
	disc := TimedEvent{Event: pns.Event{EventType: pns.EventDisconnect, StatusInfo: si}, URL: p.result.Events[len(p.result.Events)-1].URL}
	res.Events = append(res.Events, disc)
	if !reached[pns.EventAlerting] {
		fee.FwdAlertingTime = ""
	}
	fee.FwdUnaswRsn, fee.CallOutUnaswRsn = q850None, q850None
	fee.CallEndTime = pns.FormatUTC(now)
	fee.UlFailReason = code
	if reached[pns.EventAnswer] {
		fee.FailTime = ""
	} else {
		fee.FwdAnswerTime = ""
		fee.FailTime = pns.FormatUTC(now)
	}
	if res.Recording != "" {
		if !reached[pns.EventAnswer] || !s.rec.cut(res.Recording, answered, now) {
			s.rec.drop(res.Recording)
			fee.RecordFlag, fee.RecordStartTime, fee.RecordObjectName, fee.RecordBucketName, fee.RecordDomain = 0, "", "", "", ""
			res.Recording = ""
		}
	}
	res.Fee = fee
	res.StateCode, res.StateDesc = code, StateDesc(code)
	res.Route.Reason += "; stopped by the customer (stop call)"
	return res
}

// cut ends a recording at a stop (D81): the file is ready at once and holds the talk time from
// answered up to now. A call stopped in its first second of talk has no file (as a call that
// never talked): cut then reports false.
func (r *recordings) cut(name string, answered, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.byName[name]
	secs := int(now.Sub(answered) / time.Second)
	if !ok || secs < 1 {
		return false
	}
	rec.ready = now
	rec.expires = now.Add(RecordingRetention)
	rec.seconds = min(rec.seconds, secs)
	return true
}

// drop removes a recording that will never exist (a call stopped before it talked).
func (r *recordings) drop(name string) {
	r.mu.Lock()
	delete(r.byName, name)
	r.mu.Unlock()
}

// LastEnd returns the latest emulator instant at which a call still in progress ends (its
// disconnect and fee record are due then), or the zero time when no call is in progress. A
// run that resets or reports after its calls advances the clock to it, so that calls placed
// near the end (a conformance scenario's, with ten seconds of talk) push their disconnect
// instead of being cut off by the report, whatever the machine's speed.
func (s *Simulator) LastEnd() time.Time {
	s.liveMu.Lock()
	defer s.liveMu.Unlock()
	var last time.Time
	for _, lc := range s.live {
		if lc.p.end.After(last) {
			last = lc.p.end
		}
	}
	return last
}
