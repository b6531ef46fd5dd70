package main

import (
	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// embeddedReceivers are the receivers of an embedded run: rcv takes every push of the run
// (the load's calls read it through tracker, the report through its final report), retry
// fails every first delivery of the retry app; pushes hands every arrival to the suite, and
// replies answers Block requests as the suite's scenarios set.
type embeddedReceivers struct {
	rcv, retry *receiver.Receiver
	url        string
	tracker    *loadtest.CallbackTracker
	pushes     *conformance.PushHub
	replies    *conformance.BlockReplies
	secrets    []string
}

// close stops the receivers that were started.
func (rs *embeddedReceivers) close() {
	for _, r := range []*receiver.Receiver{rs.retry, rs.rcv} {
		if r != nil {
			r.Close()
		}
	}
}

// startEmbeddedReceivers starts the receivers of an embedded run and points every app of cfg
// without a notification URL at them; on error it stops what it started.
func startEmbeddedReceivers(cfg *emulator.Config, o runOptions) (rs *embeddedReceivers, err error) {
	rs = &embeddedReceivers{}
	defer func() {
		if err != nil {
			rs.close()
		}
	}()
	// One receiver for every push of the run; the load's calls scenario reads it through the
	// tracker, the report through its snapshot.
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
	tracker := loadtest.NewCallbackTracker()
	// Delays are taken against the emulator's stated emission instants; the call simulator's
	// expected events are registered with the receiver by the tracker.
	// pushes hands every arrival to the conformance scenarios that check deliveries.
	pushes := conformance.NewPushHub()
	// The conformance scenarios set the customer's answers to Block requests (X-mode callin,
	// SMS control) through replies.
	replies := &conformance.BlockReplies{}
	ropts := receiver.Options{
		Apps:     apps,
		Validate: v.ValidateCallback,
		OnPush: func(a receiver.Arrival) {
			tracker.Record(a)
			pushes.Record(a)
		},
		BlockReply: replies.Reply,
	}
	o.callbacks.apply(&ropts)
	// The embedded emulator says what each call of the load must push (expectations); the
	// conformance suite's own calls, some deliberately incomplete (apps without a URL, D77),
	// are the suite's to judge, not the receiver's.
	ropts.Settle = 0
	rcv := receiver.New(ropts)
	tracker.SetReceiver(rcv)
	rurl, err := rcv.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rs.rcv = rcv
	// A second receiver fails every first delivery of the retry app, so the re-push scenarios
	// see the platform's retry; it is not part of the callback accounting of the report.
	retry := receiver.New(receiver.Options{Apps: apps, FailFirst: 1, OnPush: pushes.Record})
	retryURL, err := retry.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rs.retry = retry
	for i := range cfg.Apps {
		a := &cfg.Apps[i]
		target := rurl
		if a.AppKey == conformance.RetryAppKey {
			target = retryURL
		}
		urls := []*string{&a.CallStatusURL, &a.FeeURL, &a.XStatusURL, &a.SMSNotifyURL}
		if a.Mode == pns.ModeAX || a.Mode == pns.ModeX {
			urls = append(urls, &a.SMSControlURL)
		}
		for _, u := range urls {
			if *u == "" {
				*u = target
			}
		}
	}
	rs.url, rs.tracker, rs.pushes, rs.replies, rs.secrets = rurl, tracker, pushes, replies, secrets
	return rs, nil
}
