package calls

// Wire types of the notifications (reference §7.2, §7.3, §8.3, §9, §10) and of the control
// interface.

// Event types of reference §7.2.
const (
	EventCallin      = "callin"
	EventCallout     = "callout"
	EventAlerting    = "alerting"
	EventAnswer      = "answer"
	EventDisconnect  = "disconnect"
	EventCollectInfo = "collectInfo"
)

// Outcomes of a simulated call once the forwarded leg starts.
const (
	OutcomeAnswered     = "answered"
	OutcomeNoAnswer     = "no-answer"
	OutcomeBusy         = "busy"
	OutcomeRejected     = "rejected"
	OutcomeCallerHangup = "caller-hangup"
)

// Event is a call-event notification body: {"eventType":…,"statusInfo":{…}}.
type Event struct {
	EventType  string     `json:"eventType"`
	StatusInfo StatusInfo `json:"statusInfo"`
}

// StatusInfo is CallStatusInfo (reference §7.3). StateCode and DigitInfo are pointers because
// `0` and "" are meaningful values that must still be sent.
type StatusInfo struct {
	Timestamp      string  `json:"timestamp"`
	SessionID      string  `json:"sessionId"`
	Caller         string  `json:"caller"`
	Called         string  `json:"called"`
	StateCode      *int    `json:"stateCode,omitempty"`
	StateDesc      string  `json:"stateDesc,omitempty"`
	SubscriptionID string  `json:"subscriptionId,omitempty"`
	UserData       string  `json:"userData,omitempty"`
	DigitInfo      *string `json:"digitInfo,omitempty"`
	// NotifyMode is sent in X mode only: Block on the callin, Notify on the other events
	// (§7.3, D88).
	NotifyMode string `json:"notifyMode,omitempty"`
}

// FeeInfo is one fee record (reference §8.3, presence rules of D71). Integer fields are always
// sent; optional strings are omitted when empty.
type FeeInfo struct {
	Direction        int    `json:"direction"`
	SpID             string `json:"spId"`
	AppKey           string `json:"appKey"`
	Icid             string `json:"icid"`
	BindNum          string `json:"bindNum"`
	SessionID        string `json:"sessionId"`
	SubscriptionID   string `json:"subscriptionId,omitempty"`
	CallerNum        string `json:"callerNum"`
	CalleeNum        string `json:"calleeNum"`
	FwdDisplayNum    string `json:"fwdDisplayNum,omitempty"`
	FwdDstNum        string `json:"fwdDstNum,omitempty"`
	CallInTime       string `json:"callInTime,omitempty"`
	FwdStartTime     string `json:"fwdStartTime,omitempty"`
	FwdAlertingTime  string `json:"fwdAlertingTime,omitempty"`
	FwdAnswerTime    string `json:"fwdAnswerTime,omitempty"`
	CallEndTime      string `json:"callEndTime,omitempty"`
	FwdUnaswRsn      int    `json:"fwdUnaswRsn"`
	FailTime         string `json:"failTime,omitempty"`
	UlFailReason     int    `json:"ulFailReason"`
	SipStatusCode    int    `json:"sipStatusCode"`
	CallOutUnaswRsn  int    `json:"callOutUnaswRsn"`
	RecordFlag       int    `json:"recordFlag"`
	RecordStartTime  string `json:"recordStartTime,omitempty"`
	RecordObjectName string `json:"recordObjectName,omitempty"`
	RecordBucketName string `json:"recordBucketName,omitempty"`
	RecordDomain     string `json:"recordDomain,omitempty"`
	// ServiceType is omitted in X mode (D88) and for AXYB (D86).
	ServiceType      string `json:"serviceType,omitempty"`
	HostName         string `json:"hostName"`
	UserData         string `json:"userData,omitempty"`
	ExtendNum        string `json:"extendNum,omitempty"`
	TTSPlayTimes     int    `json:"ttsPlayTimes"`
	TTSTransDuration int    `json:"ttsTransDuration"`
	MptyID           string `json:"mptyId,omitempty"`
	VoiceCheckType   int    `json:"voiceCheckType"`
	// NotifyMode is "Block" on X-mode records only (§6.8, D88).
	NotifyMode string `json:"notifyMode,omitempty"`
}

// FeeMessage is the fee notification envelope (reference §8.2), for pushers that do not batch.
type FeeMessage struct {
	EventType string    `json:"eventType"`
	FeeLst    []FeeInfo `json:"feeLst"`
}

// NumInfo is one X-number status change (reference §9).
type NumInfo struct {
	Number string `json:"number"`
	Status string `json:"status"`
	Cause  string `json:"cause,omitempty"`
}

// StatusMessage is the X-number status notification envelope (reference §9).
type StatusMessage struct {
	EventType string    `json:"eventType"`
	NumInfo   []NumInfo `json:"numInfo"`
}

// SMSNotification is the SMS notification body (reference §10).
type SMSNotification struct {
	AppKey   string   `json:"appKey"`
	SMSEvent SMSEvent `json:"smsEvent"`
}

// SMSEvent is SMSEventInfoType (reference §10).
type SMSEvent struct {
	SMSIdentifier    string `json:"smsIdentifier"`
	NotificationMode string `json:"notificationMode"`
	Calling          string `json:"calling"`
	Called           string `json:"called,omitempty"`
	VirtualNumber    string `json:"virtualNumber"`
	Event            string `json:"event"`
	TimeStamp        string `json:"timeStamp"`
	SubscriptionID   string `json:"subscriptionId,omitempty"`
	SMSContent       string `json:"smsContent,omitempty"`
	SendResult       *int   `json:"sendResult,omitempty"`
	UserData         string `json:"userData,omitempty"`
}

// CallRequest describes a simulated call. Caller dials Called (an X number); Outcome says what
// happens once the forwarded leg starts. RingSeconds and TalkSeconds are emulator-clock seconds;
// zero means the defaults (DefaultRingSeconds, DefaultTalkSeconds).
type CallRequest struct {
	Caller      string `json:"caller"`
	Called      string `json:"called"`
	Outcome     string `json:"outcome,omitempty"`
	RingSeconds int    `json:"ringSeconds,omitempty"`
	TalkSeconds int    `json:"talkSeconds,omitempty"`
	// Extension is the digits an AXE caller enters at the prompt.
	Extension string `json:"extension,omitempty"`
	// Live keeps the call's pushes at their emulator-clock instants even when the simulator
	// pushes everything at once (Options.Immediate, load tests), so that a stop call (§11.2)
	// can end it while it lasts. Without Immediate every call is live until it ends.
	Live bool `json:"live,omitempty"`
	// Cause, when set, forces the call's hang-up cause (D91): any code of the table of
	// reference §7.7 (pns.HangupCauses). The code's stage says how far the call gets: a cause
	// of the inbound leg releases the call before forwarding; the others need a call the
	// bindings forward, and replace Outcome.
	Cause *int `json:"cause,omitempty"`
}

// Route says how the platform routed a call.
type Route struct {
	Mode string `json:"mode"`
	// Direction is the fee record's direction (0, 1, 2).
	Direction int `json:"direction"`
	// Target is the forward destination, empty when the call was not forwarded.
	Target string `json:"target,omitempty"`
	// Display is the number shown on the forwarded leg (X).
	Display string `json:"display,omitempty"`
	// Reason explains the routing decision in words.
	Reason string `json:"reason"`
}

// TimedEvent is an event with the emulator-clock instant it is (or was) pushed at.
type TimedEvent struct {
	Event
	// URL is where the event goes; empty when the app has no URL for it (not pushed, D77).
	URL string `json:"url,omitempty"`
}

// CallResult is what a simulated call produced.
type CallResult struct {
	SessionID      string       `json:"sessionId"`
	SubscriptionID string       `json:"subscriptionId,omitempty"`
	AppKey         string       `json:"appKey"`
	Route          Route        `json:"route"`
	StateCode      int          `json:"stateCode"`
	StateDesc      string       `json:"stateDesc"`
	Events         []TimedEvent `json:"events"`
	Fee            FeeInfo      `json:"fee"`
	// Recording is the recording's object name when the call was recorded.
	Recording string `json:"recording,omitempty"`
}

// CallRecord is one entry of an app's call log ("business details", kept 31 days).
type CallRecord struct {
	Request CallRequest `json:"request"`
	CallResult
}
