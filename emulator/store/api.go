// Package store is the emulator's binding state: the X-number pools of the configured apps and
// the AXB, AX, AXE and AXYB bindings on them, with every business rule of reference §3-§6 and §13
// (X reuse, capacity, X selection by area, extension allocation, expiry on the emulator clock).
//
// The HTTP layer authenticates, decodes and validates field formats (1010002 for malformed
// fields), then calls one method per interface with typed input. The store answers with a copy
// of the affected binding(s) or a *pns.Error carrying the business result code. The few
// 1010002 answers that need the stored state or the app's settings (A = B after a modify, an
// extension with the wrong digit count, the temporary callee equal to A) come from here.
//
// Apps are strictly isolated: an app never sees or changes another app's bindings, and another
// app's X number is "not owned". Each app has its own lock, so apps never contend.
//
// Expired bindings (AXB duration, AXE bindExpiredTime) behave exactly as unbound everywhere:
// they are purged lazily by every write operation of their app and by Sweep, and every read
// path ignores them even before they are purged.
//
// Note for callers: the business methods return *pns.Error, not error, so that the result code
// is always at hand. Compare the result with nil before converting it to an error interface.
package store

import (
	"time"

	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
)

// X-number statuses of reference §9. Only StatusNormal accepts new bindings (D32).
const (
	StatusNormal      = "5"
	StatusPaused      = "9"
	StatusUnavailable = "10"
	StatusFrozen      = "11"
)

// Defaults and limits of reference §13 and §14.2.
const (
	DefaultExtensionDigits = 4
	DefaultMaxPairsPerX    = 5000
	// MaxXPerA is the AX limit of X numbers one A may hold (1011003).
	MaxXPerA = 5
	// MaxAXBDuration is the largest AXB duration in seconds (90 days).
	MaxAXBDuration = 7776000
	// MaxAXEHours and MaxAXEMinutes bound bindExpiredTime / callbackExpiredTime (D62).
	MaxAXEHours   = 2160
	MaxAXEMinutes = 129600
	// AltMaxAXEHours and AltMaxAXEMinutes are the alternative set's maxima (D62: 180 days).
	AltMaxAXEHours   = 4320
	AltMaxAXEMinutes = 259200
	// DefaultTempCalleeSeconds is the AX temporary-callee lifetime when none is sent (D56).
	DefaultTempCalleeSeconds = 60
	// MaxTempCalleeSeconds is the longest AX temporary-callee lifetime (3 days).
	MaxTempCalleeSeconds = 259200
	// DefaultPageSize is the AXB query page size when none or an invalid one is sent.
	DefaultPageSize = 50
	// MinPageSize and MaxPageSize bound a valid AXB query page size.
	MinPageSize = 10
	MaxPageSize = 100
)

// AXE time units (timeUnit).
const (
	TimeUnitHours   = "0"
	TimeUnitMinutes = "1"
)

// Options configure a Store. Apps and Pool are fixed for the Store's lifetime; X statuses and
// bindings change.
type Options struct {
	// Clock is the emulator clock used for expiry, temporary callees and subscribeTime;
	// nil means the wall clock.
	Clock clock.Clock
	// Apps are the configured applications.
	Apps []App
	// Pool lists every X number with the app that owns it.
	Pool []XNumber
	// Areas maps a city code with its leading 0 ("0755") to its province, used for
	// non-strict selection (global setting `areas`).
	Areas map[string]string
	// MobilePrefixAreas maps a mobile prefix in global format ("+86138", "+861380013") to a
	// city code; the longest matching prefix wins (global setting `mobilePrefixAreas`).
	MobilePrefixAreas map[string]string
	// Alternative answers every decision of the alternative set (emulator.AlternativeDecisions)
	// the other way the contract allows: a second, differently-decided platform for proving
	// that the conformance suite fails no platform for a choice the docs leave open.
	Alternative bool
}

// App is the part of an app's configuration the store needs.
type App struct {
	// Key is the APP_Key; it identifies the app in every store call.
	Key string
	// Mode is the only mode whose operations the app may use.
	Mode pns.Mode
	// Recording is the app-level recording option; without it recordFlag true → 1012012.
	Recording bool
	// SMS is the app-level SMS option; it sets the default of AXB privateSms.
	SMS bool
	// ExtensionDigits is the AXE extension length, 1-4; 0 means DefaultExtensionDigits.
	ExtensionDigits int
	// MaxPairsPerX is the AXB capacity per X; 0 means DefaultMaxPairsPerX.
	MaxPairsPerX int
	// MaxRelationsPerY is the AXYB capacity per Y (D84); 0 means DefaultMaxRelationsPerY.
	MaxRelationsPerY int
}

// XNumber is one X of the pool.
type XNumber struct {
	// Number is the X in global format (+86 mobile).
	Number string
	// App is the key of the owning app.
	App string
	// CityCode is the X's city code with its leading 0.
	CityCode string
	// Province is the X's province; empty means Options.Areas[CityCode].
	Province string
	// SMS tells whether the X can carry SMS.
	SMS bool
	// Status is the initial status; empty means StatusNormal.
	Status string
}

// XInfo is the current state of one X number.
type XInfo struct {
	Number   string
	App      string
	Mode     pns.Mode
	CityCode string
	Province string
	SMS      bool
	Status   string
	// Bindings is the number of live bindings on the X.
	Bindings int
}

// AXBBindInput is a validated AXB bind request (§3.2). Empty strings mean "absent".
type AXBBindInput struct {
	CallerNum   string
	CalleeNum   string
	RelationNum string
	AreaCode    string
	// LooseArea is areaMatchMode "1" (non-strict); false is strict, the default.
	LooseArea      bool
	CallDirection  int
	Duration       int // seconds, 0 = never expires
	MaxDuration    int // minutes
	RecordFlag     bool
	RecordHintTone string // kept only when RecordFlag is true (D25)
	LastMinVoice   string
	// PrivateSMS nil means the default: true when the app has the SMS option.
	PrivateSMS *bool
	PreVoice   *pns.PreVoice
	UserData   string
}

// AXBBinding is one live AXB binding. Values returned by the store are copies.
type AXBBinding struct {
	App            string
	SubscriptionID string
	RelationNum    string
	CallerNum      string
	CalleeNum      string
	CallDirection  int
	// Duration is the lifetime in seconds as last set (0 = never expires).
	Duration       int
	MaxDuration    int
	RecordFlag     bool
	RecordHintTone string
	LastMinVoice   string
	PrivateSMS     bool
	PreVoice       *pns.PreVoice
	UserData       string
	// CreatedAt is the bind time; it orders query results.
	CreatedAt time.Time
	// SubscribeTime is the bind time or the time of the latest modification.
	SubscribeTime time.Time
	// ExpiresAt is the expiry instant on the emulator clock; zero means never.
	ExpiresAt time.Time
}

// AXBUnbindInput is a validated AXB unbind request (§3.3): SubscriptionID wins; RelationNum
// alone removes every binding on that X.
type AXBUnbindInput struct {
	SubscriptionID string
	RelationNum    string
}

// AXBModifyInput is a validated AXB modify request (§3.4). Empty strings and nil pointers mean
// "unchanged".
type AXBModifyInput struct {
	SubscriptionID string
	CallerNum      string
	CalleeNum      string
	CallDirection  *int
	// Duration restarts the expiry clock at the modification; 0 = never expires.
	Duration       *int
	MaxDuration    *int
	LastMinVoice   string
	PrivateSMS     *bool
	RecordFlag     *bool
	RecordHintTone string
	// PreVoice replaces each non-empty sub-field.
	PreVoice *pns.PreVoice
	UserData string
}

// AXBQueryInput is a validated AXB query (§3.5). PageIndex and PageSize are the raw integers
// of the request (0 when absent or not an integer); the store normalises them.
type AXBQueryInput struct {
	SubscriptionID string
	RelationNum    string
	CallerNum      string
	CalleeNum      string
	PageIndex      int
	PageSize       int
}

// AXBQueryResult is the answer of an AXB query.
type AXBQueryResult struct {
	Bindings []AXBBinding
	// TotalCount counts the matching bindings over all pages.
	TotalCount int
	// PageIndex and PageSize are the effective values.
	PageIndex int
	PageSize  int
}

// AXBindInput is a validated AX bind request (§4.2). Empty strings mean "absent".
type AXBindInput struct {
	OrigNum    string
	PrivateNum string
	AreaCode   string
	// LooseArea is areaMatchMode "1".
	LooseArea      bool
	RecordFlag     bool
	RecordHintTone string // kept only when RecordFlag is true
	// CalleeNumDisplay is "0" or "1"; empty means "0".
	CalleeNumDisplay string
	// PrivateSMS nil means true.
	PrivateSMS   *bool
	PreVoice     *pns.PreVoice
	MaxDuration  int
	LastMinVoice string
	UserData     string
	// TurnFlag is "on" or "off"; empty means "on".
	TurnFlag string
	// CallDirection nil means not set (the query then omits it).
	CallDirection *int
}

// AXBinding is one live AX binding. Values returned by the store are copies.
type AXBinding struct {
	App              string
	SubscriptionID   string
	OrigNum          string
	PrivateNum       string
	RecordFlag       bool
	RecordHintTone   string
	CalleeNumDisplay string
	PrivateSMS       bool
	PreVoice         *pns.PreVoice
	MaxDuration      int
	LastMinVoice     string
	UserData         string
	TurnFlag         string
	CallDirection    *int
	CreatedAt        time.Time
	SubscribeTime    time.Time
}

// AXUnbindInput is a validated AX unbind request (§4.3, D54).
type AXUnbindInput struct {
	SubscriptionID string
	OrigNum        string
	PrivateNum     string
}

// AXModifyInput is a validated AX modify request (§4.4). The binding is identified by
// SubscriptionID or else PrivateNum; empty strings and nil pointers mean "unchanged".
type AXModifyInput struct {
	SubscriptionID string
	PrivateNum     string
	// OrigNum is the new A.
	OrigNum          string
	PrivateSMS       *bool
	RecordFlag       *bool
	RecordHintTone   string
	MaxDuration      *int
	LastMinVoice     string
	UserData         string
	CallDirection    *int
	TurnFlag         string
	CalleeNumDisplay string
	PreVoice         *pns.PreVoice
}

// AXQueryInput is a validated AX query (§4.5); precedence SubscriptionID > OrigNum >
// PrivateNum.
type AXQueryInput struct {
	SubscriptionID string
	OrigNum        string
	PrivateNum     string
}

// AXCalleeInput is a validated AX set-temporary-callee request (§4.6). OrigNum is ignored by
// the platform and therefore absent here.
type AXCalleeInput struct {
	SubscriptionID string
	PrivateNum     string
	CalleeNum      string
	// Duration in seconds; nil means DefaultTempCalleeSeconds.
	Duration *int
	UserData string
}

// TempCallee is an AX temporary callee in force.
type TempCallee struct {
	Number    string
	UserData  string
	ExpiresAt time.Time
}

// AXEBindInput is a validated AXE bind request (§5.2). Empty strings mean "absent".
type AXEBindInput struct {
	VirtualNum string
	AreaCode   string
	// LooseArea is areaMatchMode "1".
	LooseArea bool
	BindNum   string
	// ExtendNum is the requested extension; empty means "allocate". Its digit count is
	// checked here because it depends on the app (1010002 extendNum).
	ExtendNum string
	// DisplayNumMode is "0" or "1"; empty means "0".
	DisplayNumMode string
	RecordFlag     bool
	RecordHintTone string // kept only when RecordFlag is true
	CallbackTone   string
	CallbackNum    string
	// TimeUnit is TimeUnitHours or TimeUnitMinutes; empty means hours.
	TimeUnit            string
	BindExpiredTime     int // in TimeUnit, 0 = never
	CallbackExpiredTime int // in TimeUnit, 0 = never
	UserData            string
}

// AXEBinding is one live AXE binding. Values returned by the store are copies.
type AXEBinding struct {
	App                 string
	SubscriptionID      string
	VirtualNum          string
	ExtendNum           string
	BindNum             string
	DisplayNumMode      string
	RecordFlag          bool
	RecordHintTone      string
	CallbackTone        string
	CallbackNum         string
	TimeUnit            string
	BindExpiredTime     int
	CallbackExpiredTime int
	UserData            string
	CreatedAt           time.Time
	SubscribeTime       time.Time
	// ExpiresAt is the binding's expiry instant; zero means never.
	ExpiresAt time.Time
}

// AXEKey identifies an AXE binding in unbind, modify and query (§5.3-§5.5): SubscriptionID
// wins, else VirtualNum + ExtendNum.
type AXEKey struct {
	SubscriptionID string
	VirtualNum     string
	ExtendNum      string
}

// AXEModifyInput is a validated AXE modify request (§5.4). timeUnit and bindExpiredTime are
// accepted by the interface but never applied (D62), so they are not part of the input.
// Setting CallbackTone clears a stored CallbackNum and the reverse, as the two are exclusive.
type AXEModifyInput struct {
	AXEKey
	DisplayNumMode      string
	RecordFlag          *bool
	RecordHintTone      string
	CallbackTone        string
	CallbackNum         string
	CallbackExpiredTime *int // in the binding's TimeUnit
	UserData            string
}

// Violation is one broken invariant found by Check.
type Violation struct {
	App string
	// What describes the violation.
	What string
}

// String returns "app: what".
func (v Violation) String() string { return v.App + ": " + v.What }

// Service is the method set of *Store used by the HTTP layer and the call simulator, listed
// here so that they can code (and fake) against it. Every business method takes the app key
// first; an unknown key answers 1010003 and an app of another mode 1010040.
type Service interface {
	// AXBBind creates an AXB binding (§3.2). Check order: A = B → 1010002 calleeNum;
	// recordFlag without the app's recording → 1012012; explicit X: not owned 1012001, status
	// ≠ "5" 1012008, A or B already on X 1012010, X full 1012008; selection: no eligible X
	// 1012008.
	AXBBind(app string, in AXBBindInput) (AXBBinding, *pns.Error)
	// AXBUnbind removes one binding by subscriptionId, or all bindings of an X by
	// relationNum; it returns the number removed. Errors: neither → 1010002 subscriptionId;
	// unknown ID 1012007; X not owned 1012001; X without bindings 1012007.
	AXBUnbind(app string, in AXBUnbindInput) (int, *pns.Error)
	// AXBModify changes a binding and returns its new state (§3.4, D40). Errors, in order:
	// both numbers sent and equal → 1010002 calleeNum; duration outside 0-7776000 → 1010002
	// duration; recordFlag true without recording 1012012; unknown ID 1012007; resulting
	// A = B → 1010002 calleeNum (callerNum when only callerNum was sent); new A or B bound on
	// the X in another binding 1012010. A modify with no field set succeeds and changes
	// nothing; any field set updates SubscribeTime; Duration restarts the expiry clock.
	AXBModify(app string, in AXBModifyInput) (AXBBinding, *pns.Error)
	// AXBQuery looks bindings up with the precedence of §3.5 and pages relationNum-only
	// lookups. Errors: no key → 1010002 subscriptionId; callerNum/calleeNum without
	// relationNum → 1010002 relationNum; no match 1012007.
	AXBQuery(app string, in AXBQueryInput) (AXBQueryResult, *pns.Error)

	// AXBind creates an AX binding (§4.2). Check order: recordFlag 1012012; explicit X: not
	// owned 1011004, status ≠ "5" 1011002, already bound to this A 1016002, bound to another
	// A 1011005, A holds 5 X 1011003; selection: A holds 5 X 1011003, no free X 1011002.
	AXBind(app string, in AXBindInput) (AXBinding, *pns.Error)
	// AXUnbind removes an AX binding (D54) and returns the number removed (always 1 on
	// success). Errors: none → 1010002 subscriptionId; origNum alone → 1010002 privateNum;
	// X not owned 1011004; no match (unknown ID, X free, X bound to another A) 1016001.
	AXUnbind(app string, in AXUnbindInput) (int, *pns.Error)
	// AXModify changes an AX binding (§4.4). Errors: neither ID nor privateNum → 1010002
	// privateNum; recordFlag 1012012; X not owned 1011004; no match 1016001; new A already
	// holding 5 X 1011003.
	AXModify(app string, in AXModifyInput) (AXBinding, *pns.Error)
	// AXQuery returns the matching bindings ordered by creation (§4.5). Errors: no key →
	// 1010002 subscriptionId; no match 1016001.
	AXQuery(app string, in AXQueryInput) ([]AXBinding, *pns.Error)
	// AXSetTempCallee sets (replaces) the temporary callee of an AX binding (§4.6). Errors:
	// neither ID nor privateNum → 1010002 privateNum; duration outside 1-259200 → 1010002
	// duration; X not owned 1011004; no binding 1016001; calleeNum = A → 1010002 calleeNum.
	AXSetTempCallee(app string, in AXCalleeInput) (TempCallee, *pns.Error)

	// AXEBind creates an AXE binding (§5.2). Check order: callbackTone + callbackNum →
	// 1010002 callbackNum; extendNum not exactly the app's digit count of digits, or all
	// zeros → 1010002 extendNum; timeUnit not "0"/"1" → 1010002 timeUnit; expiry values
	// outside 0-2160 h / 0-129600 min → 1010002 bindExpiredTime / callbackExpiredTime;
	// recordFlag 1012012; explicit X:
	// not owned 1012001, status 1012008, bindNum already on X 1012010; selection: none
	// 1012008; extension taken or none free 1020167.
	AXEBind(app string, in AXEBindInput) (AXEBinding, *pns.Error)
	// AXEUnbind removes one AXE binding. Errors: none → 1010002 subscriptionId; one of the
	// pair alone → 1010002 naming the missing one; X not owned 1012001; no match 1012007.
	AXEUnbind(app string, in AXEKey) (int, *pns.Error)
	// AXEModify changes an AXE binding (§5.4, D62). Errors, in order: key forms as
	// AXEUnbind; callbackTone + callbackNum 1010002 callbackNum; negative callbackExpiredTime
	// 1010002; recordFlag 1012012; X not owned 1012001; no match 1012007;
	// callbackExpiredTime above the maximum of the binding's timeUnit 1010002.
	AXEModify(app string, in AXEModifyInput) (AXEBinding, *pns.Error)
	// AXEQuery returns one AXE binding. Errors: key forms as AXEUnbind; no match (including an
	// X that is not the app's) 1012007.
	AXEQuery(app string, in AXEKey) (AXEBinding, *pns.Error)

	// LookupX tells which app and mode own an X number.
	LookupX(number string) (app string, mode pns.Mode, ok bool)
	// XInfo returns an X's configuration, status and live binding count.
	XInfo(number string) (XInfo, bool)
	// XNumbers returns the X numbers of one app ("" = all), ordered by number.
	XNumbers(app string) []XInfo
	// SetXStatus changes an X's status ("5", "9", "10" or "11"; §9) and returns the previous
	// one. Existing bindings stay; only new bindings need status "5".
	SetXStatus(number, status string) (previous string, err error)
	// AXBByXAndNumber finds the live AXB binding on X in which n is A or B.
	AXBByXAndNumber(x, n string) (AXBBinding, bool)
	// AXByX finds the live AX binding on X.
	AXByX(x string) (AXBinding, bool)
	// AXEByXAndExt finds the live AXE binding on X with extension ext.
	AXEByXAndExt(x, ext string) (AXEBinding, bool)
	// AXEByXAndBindNum finds the live AXE binding on X whose A is a.
	AXEByXAndBindNum(x, a string) (AXEBinding, bool)
	// TempCallee returns the temporary callee in force for an AX binding.
	TempCallee(subscriptionID string) (string, bool)
	// TempCalleeInfo is TempCallee with the callee's userData and expiry.
	TempCalleeInfo(subscriptionID string) (TempCallee, bool)
	// SetCallbackRecord remembers caller as the latest user who reached the AXE binding's A;
	// false when the binding does not exist.
	SetCallbackRecord(subscriptionID, caller string) bool
	// CallbackRecord returns the AXE callback record while callbackExpiredTime allows it.
	CallbackRecord(subscriptionID string) (string, bool)

	// Dump returns every live binding of one app ("" = all apps).
	Dump(app string) Dump
	// Reset removes every binding, temporary callee and callback record; X statuses stay.
	Reset()
	// Sweep purges every expired binding now and returns how many were removed.
	Sweep() int
	// Check walks the whole state and returns every invariant violation (none when healthy).
	Check() []Violation
}

var _ Service = (*Store)(nil)
