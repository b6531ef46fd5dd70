package pns

// Wire types of the notifications (reference §7.3, §8.3, §9, §10): what the platform pushes,
// as the emulator encodes it. The receiver keeps its own decode-only views of the fields it
// accounts (receiver/decode.go), for speed; the JSON names here are the contract's.

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
