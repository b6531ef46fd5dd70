// This file is split from sim.go (issue 23): the layout of one routed call, its events and
// fee record at their instants, before anything is pushed.

package calls

import (
	"fmt"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// plan is a computed call: its result plus the instants of its side effects.
type plan struct {
	result   CallResult
	times    []time.Time // one per event
	end      time.Time
	calloutT time.Time
	cbA      string
	cbCaller string
	x        string
	// xCallinSent is true when the first event is an X-mode Block callin already sent.
	xCallinSent bool
}

// build computes the call of req, as routed by d, from its start t0: its events with their
// instants, its fee record and its recording. xc is the X-mode Block callin already sent,
// nil when none.
func (s *Simulator) build(app AppConfig, xi XInfo, req CallRequest, d decision, t0 time.Time, xc *xCallin) *plan {
	var n uint64
	var sessionID string
	if xc != nil {
		n, sessionID = xc.n, xc.sessionID
	} else {
		n, sessionID = s.newSession(t0)
	}
	x := req.Called
	b := &callBuilder{s: s, app: app, xi: xi, n: n, t0: t0, sessionID: sessionID, p: &plan{x: x, xCallinSent: xc != nil && xc.sent}}
	if d.binding != nil {
		b.subID = d.binding.SubscriptionID
		b.userData = d.binding.UserData
	}
	b.fee = b.newFee(req, d, x)
	p, fee := b.p, &b.fee
	if xc != nil {
		// The Block callin went out before routing, as it was sent.
		p.result.Events = append(p.result.Events, xc.event)
		p.times = append(p.times, t0)
	} else {
		b.add(t0, pns.EventCallin, req.Caller, x, nil)
	}
	t := t0
	if d.collect {
		t = t0.Add(collectDelay)
		digits := req.Extension
		b.add(t, pns.EventCollectInfo, req.Caller, x, func(si *pns.StatusInfo) { si.DigitInfo = &digits })
	}
	state := d.cause
	var end time.Time
	if d.target == "" {
		end = t.Add(releaseDelay)
		b.add(end, pns.EventDisconnect, req.Caller, x, disconnectState(state))
		fee.FailTime = pns.FormatUTC(end)
		fee.UlFailReason = state
	} else {
		if d.display != "" {
			x = d.display // the forwarded leg shows another privacy number (AXYB)
		}
		end, state = b.forward(req, &d, x, t)
	}
	fee.CallEndTime = pns.FormatUTC(end)
	p.end = end
	p.result.SessionID = sessionID
	p.result.SubscriptionID = b.subID
	p.result.AppKey = app.AppKey
	p.result.StateCode = state
	p.result.StateDesc = StateDesc(state)
	p.result.Fee = b.fee
	p.result.Route = Route{Mode: string(xi.Mode), Direction: d.direction, Target: d.target, Reason: d.reason}
	if d.target != "" {
		p.result.Route.Display = x
	}
	return p
}

// callBuilder holds what build shares while it lays out one call: the plan being filled and
// its fee record.
type callBuilder struct {
	s                          *Simulator
	app                        AppConfig
	xi                         XInfo
	n                          uint64
	t0                         time.Time
	sessionID, subID, userData string
	p                          *plan
	fee                        pns.FeeInfo
}

// add appends an event of type typ at t to the plan, to the app's call status URL (its
// callin URL for a callin when it has one).
func (b *callBuilder) add(t time.Time, typ, caller, called string, mod func(*pns.StatusInfo)) {
	si := pns.StatusInfo{Timestamp: pns.FormatUTC(t), SessionID: b.sessionID, Caller: caller, Called: called,
		SubscriptionID: b.subID, UserData: b.userData}
	if mod != nil {
		mod(&si)
	}
	if b.xi.Mode == pns.ModeX {
		si.NotifyMode = pns.NotifyModeNotify // every X-mode event but the Block callin (§7.3)
	}
	url := b.app.CallStatusURL
	if typ == pns.EventCallin && b.app.CallinURL != "" {
		url = b.app.CallinURL
	}
	b.p.result.Events = append(b.p.result.Events, TimedEvent{Event: pns.Event{EventType: typ, StatusInfo: si}, URL: url})
	b.p.times = append(b.p.times, t)
}

// disconnectState sets a disconnect event's state code and description.
func disconnectState(code int) func(*pns.StatusInfo) {
	return func(si *pns.StatusInfo) {
		c := code
		si.StateCode = &c
		si.StateDesc = StateDesc(code)
	}
}

// newFee is the call's fee record as it starts: who called which X, when, in which mode.
func (b *callBuilder) newFee(req CallRequest, d decision, x string) pns.FeeInfo {
	t0, n := b.t0, b.n
	fee := pns.FeeInfo{
		Direction: d.direction, SpID: b.app.SpID, AppKey: b.app.AppKey,
		Icid:    fmt.Sprintf("%s.%d.%d.%d", randHex(16), t0.Unix(), n, n%10),
		BindNum: x, SessionID: b.sessionID, SubscriptionID: b.subID, MptyID: b.subID,
		CallerNum: req.Caller, CalleeNum: x, CallInTime: pns.FormatUTC(t0),
		ServiceType: serviceType(b.xi.Mode), HostName: b.s.opt.HostName, UserData: b.userData,
	}
	if d.binding != nil { // only an AXE binding has an extension (Binding: other fields are zero)
		fee.ExtendNum = d.binding.Extension
	}
	if b.xi.Mode == pns.ModeX {
		fee.NotifyMode = pns.NotifyModeBlock // marks an X-mode record (§6.8)
	}
	return fee
}

// forward lays out the forwarded leg from callout at t, showing x, to the outcome req asks
// for (or the cause d forces), and returns when the call ends with its state.
func (b *callBuilder) forward(req CallRequest, d *decision, x string, t time.Time) (end time.Time, state int) {
	fee, p := &b.fee, b.p
	fee.FwdDisplayNum, fee.FwdDstNum = x, d.target
	fee.FwdStartTime = pns.FormatUTC(t)
	p.calloutT = t
	b.add(t, pns.EventCallout, x, d.target, nil)
	alert := t.Add(alertDelay)
	ring := time.Duration(req.RingSeconds) * time.Second
	q850 := q850None
	outcome := req.Outcome
	if d.forced != nil {
		outcome = forcedOutcome(d.forced.Stage)
	}
	switch outcome {
	case OutcomeBusy:
		state, q850 = CauseRejected, q850Busy
		end = t.Add(busyDelay)
	case OutcomeNoAnswer, OutcomeRejected, OutcomeCallerHangup:
		b.add(alert, pns.EventAlerting, x, d.target, nil)
		fee.FwdAlertingTime = pns.FormatUTC(alert)
		end = alert.Add(ring)
		switch outcome {
		case OutcomeNoAnswer:
			state, q850 = CauseNoAnswer, q850NoAnswer
		case OutcomeRejected:
			state, q850 = CauseRejected, q850Rejected
		default:
			state = CauseCallerHangup
		}
	default: // answered
		b.add(alert, pns.EventAlerting, x, d.target, nil)
		fee.FwdAlertingTime = pns.FormatUTC(alert)
		end, state = b.answer(req, d, x, alert.Add(ring))
	}
	if d.forced != nil {
		state, q850 = d.forced.Code, forcedQ850(d.forced.Code)
	}
	b.add(end, pns.EventDisconnect, x, d.target, disconnectState(state))
	fee.FwdUnaswRsn, fee.CallOutUnaswRsn = q850, q850
	fee.UlFailReason = state
	if fee.FwdAnswerTime == "" {
		fee.FailTime = pns.FormatUTC(end)
	}
	if d.callbackA != "" {
		p.cbA, p.cbCaller = d.callbackA, req.Caller
	}
	return end, state
}

// answer lays out an answered call from ans: its talk time (cut at the binding's
// maxDuration) and its recording, and returns when it ends with its state.
func (b *callBuilder) answer(req CallRequest, d *decision, x string, ans time.Time) (end time.Time, state int) {
	fee, s, app := &b.fee, b.s, b.app
	b.add(ans, pns.EventAnswer, x, d.target, nil)
	fee.FwdAnswerTime = pns.FormatUTC(ans)
	talk := time.Duration(req.TalkSeconds) * time.Second
	state = CauseNormal
	// An AXE binding has no maxDuration (D63: not read), so its MaxDuration is zero.
	if md := d.binding.MaxDuration; md > 0 && talk > time.Duration(md)*time.Minute {
		talk = time.Duration(md) * time.Minute
		state = CauseMaxDuration
		d.reason += "; maxDuration reached"
	}
	end = ans.Add(talk)
	if d.binding.RecordFlag && app.Recording && talk > 0 && !recordingFailed(*d) {
		name := fmt.Sprintf("%s%011d.wav", ans.Format("060102150405"), b.n)
		secs := min(int(talk/time.Second), 3)
		s.rec.add(&recording{name: name, appKey: app.AppKey, domain: s.opt.RecordDomain,
			ready: end, expires: end.Add(RecordingRetention), seconds: secs}, b.t0)
		fee.RecordFlag = 1
		fee.RecordStartTime = pns.FormatUTC(ans)
		fee.RecordObjectName = name
		fee.RecordBucketName = s.opt.RecordBucket
		fee.RecordDomain = s.opt.RecordDomain
		b.p.result.Recording = name
	}
	return end, state
}
