package conformance

import (
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// OwnReceivers are the runner's own push receivers for a caller that starts the emulator
// itself and wants the pushes too (harness run, whose report counts every push of the run):
// one that accepts every push (its Receiver is the caller's for the report and the load's
// calls), one that fails first deliveries and plays the customers that answer particularly
// (gapwire.go). Given as Options.Receivers, every delivery scenario runs as it does when the
// runner starts the emulator: without them, a receiver given as Options.Pushes cannot tell the
// URL a push arrived at or its Created, and five scenarios were not checked in harness run.
type OwnReceivers struct{ o *ownPushes }

// StartOwnReceivers starts both receivers on free 127.0.0.1 ports. apps maps APP_Key to
// secret; adjust, when set, sets the accepting receiver's other options (its BlockReply is
// the runner's). A caller that wants the pushes subscribes to Receiver (receiver.Subscribe).
func StartOwnReceivers(apps map[string]string, v *schemas.Validator, adjust func(*receiver.Options)) (*OwnReceivers, error) {
	o, err := startOwnPushesWith(apps, v, adjust)
	if err != nil {
		return nil, err
	}
	return &OwnReceivers{o: o}, nil
}

// Configure points every app's notification URLs of cfg at the receivers, as the runner does
// for its own emulator.
func (r *OwnReceivers) Configure(cfg *emulator.Config) { r.o.configure(cfg) }

// Receiver is the accepting receiver, whose accounting covers every push but the failing
// receiver's apps'.
func (r *OwnReceivers) Receiver() *receiver.Receiver { return r.o.ok }

// URL is the accepting receiver's base URL.
func (r *OwnReceivers) URL() string { return r.o.okURL }

// Close stops both receivers; their accounting stays readable.
func (r *OwnReceivers) Close() { r.o.close() }
