// Package calls simulates traffic through the emulator's privacy numbers: voice calls with their
// call-event and fee notifications (reference §7, §8), recordings and their download (§11),
// X-number status changes (§9) and SMS (§10). It reads bindings through a Backend and sends
// every notification through a Pusher, so it can be driven by the emulator's store and push
// dispatcher or by fakes in tests.
package calls

import (
	"context"
	"time"

	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
)

// X-number status values of reference §9.
const (
	StatusNormal      = "5"
	StatusPaused      = "9"
	StatusUnavailable = "10"
	StatusFrozen      = "11"
)

// AppConfig is the part of an app's configuration the simulator needs: who to notify and which
// optional features the app has (reference §14.2).
type AppConfig struct {
	AppKey string
	SpID   string
	Mode   pns.Mode
	// Recording is the app-level recording option; a binding's recordFlag only records when it
	// is on.
	Recording bool
	// SMS is the app-level SMS option.
	SMS bool
	// SMSIncludeContent says whether SMS notifications carry the text (D74).
	SMSIncludeContent bool
	// Notification URLs (D77); empty means "do not push this type".
	CallStatusURL string
	CallinURL     string
	FeeURL        string
	XStatusURL    string
	SMSNotifyURL  string
	SMSControlURL string
	// ToneFiles are the app's approved tone files; empty accepts any name (D25). An X-mode
	// Block reply naming another tone fails the call (D87).
	ToneFiles []string
}

// XInfo says who owns an X number and its status.
type XInfo struct {
	Number string
	AppKey string
	Mode   pns.Mode
	// Status is one of the §9 values ("5" normal when empty).
	Status string
	Cause  string
	// NoSMS is true when the X cannot carry SMS.
	NoSMS bool
}

// Binding is a read-only snapshot of a binding, mode-independent. Fields that do not apply to
// the binding's mode are zero.
type Binding struct {
	Mode           pns.Mode
	SubscriptionID string
	X              string
	// A is AXB callerNum, AX origNum or AXE bindNum.
	A string
	// B is the AXB calleeNum.
	B string
	// CallDirection is AXB/AX callDirection: 0 both, 1 A→B (AX: A calls out) only, 2 B→A (AX:
	// others call A) only.
	CallDirection int
	// MaxDuration is AXB/AX maxDuration in minutes, 0 = unlimited.
	MaxDuration int
	RecordFlag  bool
	// SMSOff is true when the binding's privateSms is "false" (no SMS through it).
	SMSOff   bool
	UserData string
	// TurnFlag is AX turnFlag ("on" when empty).
	TurnFlag string
	// CalleeNumDisplay is AX calleeNumDisplay ("0" when empty).
	CalleeNumDisplay string
	// Extension is the AXE extension E.
	Extension string
	// DisplayNumMode is AXE displayNumMode ("0" when empty).
	DisplayNumMode string
	// CallbackNum is the AXE callbackNum (empty when unset).
	CallbackNum string
	// CallbackExpiry is the AXE callback-record lifetime (callbackExpiredTime in timeUnit), 0 =
	// never expires; informational (the backend applies it).
	CallbackExpiry time.Duration
}

// Backend is the state the simulator reads and the few things it writes. Lookups must apply
// expiry on the emulator clock themselves (an expired binding is not found).
type Backend interface {
	// App returns an app's configuration.
	App(appKey string) (AppConfig, bool)
	// XInfo returns the owner and status of an X number.
	XInfo(x string) (XInfo, bool)
	// AXB returns the AXB binding on x in which number is A or B.
	AXB(x, number string) (Binding, bool)
	// AX returns the AX binding on x.
	AX(x string) (Binding, bool)
	// TempCallee returns the AX temporary callee of the binding on x while it is valid.
	TempCallee(x string) (string, bool)
	// AXEByExtension returns the AXE binding on x with extension ext.
	AXEByExtension(x, ext string) (Binding, bool)
	// AXEByBindNum returns the AXE binding of A number a on x.
	AXEByBindNum(x, a string) (Binding, bool)
	// Callback returns the caller of A's callback record on x while it is valid.
	Callback(x, a string) (string, bool)
	// SetCallback creates or refreshes A's callback record on x at the current emulator time;
	// the backend applies the binding's callbackExpiredTime.
	SetCallback(x, a, caller string)
	// SetXStatus changes an X number's status and returns its previous info.
	SetXStatus(x, status, cause string) (prev XInfo, err error)
}

// Pusher delivers notifications. Push is asynchronous: the pusher signs with the app's key,
// retries on the §7.6 schedule and batches fee records (body = one FeeInfo) and status changes
// (body = one NumInfo) into their envelopes; it is never called with an empty url (D77). Block
// is a synchronous Block request: the SMS Block request (body SMSNotification) or the Block
// callin of an X-mode call (body Event); it returns the customer's answer body, or an error
// for a transport failure, a timeout or a status other than 200.
type Pusher interface {
	Push(ctx context.Context, kind, appKey, url, ref string, body any) error
	Block(ctx context.Context, appKey, url, ref string, body any) ([]byte, error)
}

// Clock is the emulator clock with timers; *clock.Virtual implements it.
type Clock interface {
	Now() time.Time
	// At runs f at an exact emulator instant, so events due at the same instant keep the
	// order in which they were scheduled.
	At(when time.Time, f func()) *clock.Timer
}
