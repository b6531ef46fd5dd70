package main

import (
	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// embeddedReceivers are the receivers of an embedded run: the conformance runner's own
// (conformance.OwnReceivers), so that every delivery scenario runs as it does against the
// embedded emulator, and whose accepting receiver rcv takes every push of the run but the
// retry and particular customers' apps (the load's calls read it through tracker, the report
// through its final report).
type embeddedReceivers struct {
	own     *conformance.OwnReceivers
	rcv     *receiver.Receiver
	url     string
	tracker *loadtest.CallbackTracker
	secrets []string
}

// close stops the receivers that were started.
func (rs *embeddedReceivers) close() {
	if rs.own != nil {
		rs.own.Close()
	}
}

// startEmbeddedReceivers starts the receivers of an embedded run and points every app of cfg
// at them; on error it stops what it started.
func startEmbeddedReceivers(cfg *emulator.Config, o runOptions) (rs *embeddedReceivers, err error) {
	rs = &embeddedReceivers{}
	defer func() {
		if err != nil {
			rs.close()
		}
	}()
	var secrets []string
	apps := map[string]string{}
	for _, a := range cfg.Apps {
		apps[a.AppKey] = a.AppSecret
		secrets = append(secrets, a.AppSecret)
	}
	v, err := schemas.New()
	if err != nil {
		return nil, err
	}
	adjust := func(ro *receiver.Options) {
		o.callbacks.apply(ro)
		// The embedded emulator says what each call of the load must push (expectations);
		// the conformance suite's own calls, some deliberately incomplete (apps without a
		// URL, D77), are the suite's to judge, not the receiver's.
		ro.Settle = 0
	}
	own, err := conformance.StartOwnReceivers(apps, v, adjust)
	if err != nil {
		return nil, err
	}
	rs.own = own
	rs.rcv = own.Receiver()
	// Delays are taken against the emulator's stated emission instants; the call simulator's
	// expected events are registered with the receiver by the tracker. The failing receiver
	// (the retry app's and the particular customers') is not part of the report's accounting,
	// nor of the tracker's: it subscribes to the accepting receiver only.
	tracker := loadtest.NewCallbackTracker()
	rs.rcv.Subscribe(tracker.Record)
	tracker.SetReceiver(rs.rcv)
	own.Configure(cfg)
	rs.url, rs.tracker, rs.secrets = own.URL(), tracker, secrets
	return rs, nil
}
