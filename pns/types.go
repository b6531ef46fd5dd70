package pns

// Request and response types of the AXB, AX and AXE interfaces (reference §3-§5) and of the
// recording download (§11). Optional request fields use pointers or omitempty so that a client
// sends exactly what it sets; "absent" and "zero" differ in PNS (e.g. duration 0 = never
// expires vs unchanged on modify). Boolean-like fields are strings ("true"/"false") as
// documented (§1.7).

// Envelope is the common response envelope: resultcode is always a string, "0" on success.
type Envelope struct {
	ResultCode string `json:"resultcode"`
	ResultDesc string `json:"resultdesc"`
}

// PreVoice is ApiPlayInfo: the tones played before connecting.
type PreVoice struct {
	CallerHintTone string `json:"callerHintTone,omitempty"`
	CalleeHintTone string `json:"calleeHintTone,omitempty"`
}

// Int returns a pointer to v, for optional integer fields.
func Int(v int) *int { return &v }

// AXBBindRequest is the body of AXB bind (§3.2).
type AXBBindRequest struct {
	CallerNum      string    `json:"callerNum"`
	CalleeNum      string    `json:"calleeNum"`
	RelationNum    string    `json:"relationNum,omitempty"`
	AreaCode       string    `json:"areaCode,omitempty"`
	AreaMatchMode  string    `json:"areaMatchMode,omitempty"`
	CallDirection  *int      `json:"callDirection,omitempty"`
	Duration       *int      `json:"duration,omitempty"`
	RecordFlag     string    `json:"recordFlag,omitempty"`
	RecordHintTone string    `json:"recordHintTone,omitempty"`
	MaxDuration    *int      `json:"maxDuration,omitempty"`
	LastMinVoice   string    `json:"lastMinVoice,omitempty"`
	PrivateSms     string    `json:"privateSms,omitempty"`
	PreVoice       *PreVoice `json:"preVoice,omitempty"`
	UserData       string    `json:"userData,omitempty"`
}

// AXBBindResponse is the answer of AXB bind.
type AXBBindResponse struct {
	Envelope
	SubscriptionID string `json:"subscriptionId,omitempty"`
	RelationNum    string `json:"relationNum,omitempty"`
	CallDirection  *int   `json:"callDirection,omitempty"`
	Duration       *int   `json:"duration,omitempty"`
	MaxDuration    *int   `json:"maxDuration,omitempty"`
}

// AXBModifyRequest is the body of AXB modify (§3.4); absent fields are unchanged.
type AXBModifyRequest struct {
	SubscriptionID string    `json:"subscriptionId"`
	CallerNum      string    `json:"callerNum,omitempty"`
	CalleeNum      string    `json:"calleeNum,omitempty"`
	CallDirection  *int      `json:"callDirection,omitempty"`
	Duration       *int      `json:"duration,omitempty"`
	MaxDuration    *int      `json:"maxDuration,omitempty"`
	LastMinVoice   string    `json:"lastMinVoice,omitempty"`
	PrivateSms     string    `json:"privateSms,omitempty"`
	RecordFlag     string    `json:"recordFlag,omitempty"`
	RecordHintTone string    `json:"recordHintTone,omitempty"`
	PreVoice       *PreVoice `json:"preVoice,omitempty"`
	UserData       string    `json:"userData,omitempty"`
}

// AXBUnbindParams are the query parameters of AXB unbind (§3.3).
type AXBUnbindParams struct {
	SubscriptionID string `url:"subscriptionId"`
	RelationNum    string `url:"relationNum"`
}

// AXBQueryParams are the query parameters of AXB query (§3.5); zero values are not sent.
type AXBQueryParams struct {
	SubscriptionID string `url:"subscriptionId"`
	RelationNum    string `url:"relationNum"`
	CallerNum      string `url:"callerNum"`
	CalleeNum      string `url:"calleeNum"`
	PageIndex      int    `url:"pageIndex"`
	PageSize       int    `url:"pageSize"`
}

// AXBBinding is one element of relationNumList.
type AXBBinding struct {
	SubscriptionID string    `json:"subscriptionId"`
	RelationNum    string    `json:"relationNum"`
	CallerNum      string    `json:"callerNum"`
	CalleeNum      string    `json:"calleeNum"`
	CallDirection  int       `json:"callDirection"`
	Duration       int       `json:"duration"`
	MaxDuration    int       `json:"maxDuration"`
	RecordFlag     string    `json:"recordFlag"`
	RecordHintTone string    `json:"recordHintTone,omitempty"`
	PrivateSms     string    `json:"privateSms"`
	PreVoice       *PreVoice `json:"preVoice,omitempty"`
	UserData       string    `json:"userData,omitempty"`
	SubscribeTime  string    `json:"subscribeTime"`
}

// AXBQueryResponse is the answer of AXB query.
type AXBQueryResponse struct {
	Envelope
	RelationNumList []AXBBinding `json:"relationNumList"`
	TotalCount      int          `json:"totalCount"`
	PageIndex       int          `json:"pageIndex"`
	PageSize        int          `json:"pageSize"`
}

// AXBindRequest is the body of AX bind (§4.2).
type AXBindRequest struct {
	OrigNum          string    `json:"origNum"`
	PrivateNum       string    `json:"privateNum,omitempty"`
	PrivateNumType   string    `json:"privateNumType,omitempty"`
	AreaCode         string    `json:"areaCode,omitempty"`
	AreaMatchMode    string    `json:"areaMatchMode,omitempty"`
	RecordFlag       string    `json:"recordFlag,omitempty"`
	RecordHintTone   string    `json:"recordHintTone,omitempty"`
	CalleeNumDisplay string    `json:"calleeNumDisplay,omitempty"`
	PrivateSms       string    `json:"privateSms,omitempty"`
	PreVoice         *PreVoice `json:"preVoice,omitempty"`
	MaxDuration      *int      `json:"maxDuration,omitempty"`
	LastMinVoice     string    `json:"lastMinVoice,omitempty"`
	UserData         string    `json:"userData,omitempty"`
	TurnFlag         string    `json:"turnFlag,omitempty"`
	CallDirection    *int      `json:"callDirection,omitempty"`
}

// AXBindResponse is the answer of AX bind.
type AXBindResponse struct {
	Envelope
	OrigNum        string `json:"origNum,omitempty"`
	PrivateNum     string `json:"privateNum,omitempty"`
	SubscriptionID string `json:"subscriptionId,omitempty"`
}

// AXModifyRequest is the body of AX modify (§4.4).
type AXModifyRequest struct {
	SubscriptionID   string    `json:"subscriptionId,omitempty"`
	PrivateNum       string    `json:"privateNum,omitempty"`
	OrigNum          string    `json:"origNum,omitempty"`
	PrivateSms       string    `json:"privateSms,omitempty"`
	RecordFlag       string    `json:"recordFlag,omitempty"`
	RecordHintTone   string    `json:"recordHintTone,omitempty"`
	MaxDuration      *int      `json:"maxDuration,omitempty"`
	LastMinVoice     string    `json:"lastMinVoice,omitempty"`
	UserData         string    `json:"userData,omitempty"`
	CallDirection    *int      `json:"callDirection,omitempty"`
	TurnFlag         string    `json:"turnFlag,omitempty"`
	CalleeNumDisplay string    `json:"calleeNumDisplay,omitempty"`
	PreVoice         *PreVoice `json:"preVoice,omitempty"`
}

// AXUnbindParams are the query parameters of AX unbind (§4.3).
type AXUnbindParams struct {
	SubscriptionID string `url:"subscriptionId"`
	OrigNum        string `url:"origNum"`
	PrivateNum     string `url:"privateNum"`
}

// AXQueryParams are the query parameters of AX query (§4.5).
type AXQueryParams struct {
	SubscriptionID string `url:"subscriptionId"`
	OrigNum        string `url:"origNum"`
	PrivateNum     string `url:"privateNum"`
}

// AXBinding is one element of privateNumList (privateNumInfo).
type AXBinding struct {
	OrigNum          string    `json:"origNum"`
	PrivateNum       string    `json:"privateNum"`
	PrivateNumType   string    `json:"privateNumType"`
	SubscribeTime    string    `json:"subscribeTime"`
	SubscriptionID   string    `json:"subscriptionId"`
	RecordFlag       string    `json:"recordFlag"`
	RecordHintTone   string    `json:"recordHintTone,omitempty"`
	CalleeNumDisplay string    `json:"calleeNumDisplay"`
	PrivateSms       string    `json:"privateSms"`
	PreVoice         *PreVoice `json:"preVoice,omitempty"`
	MaxDuration      int       `json:"maxDuration"`
	LastMinVoice     string    `json:"lastMinVoice,omitempty"`
	CallDirection    *int      `json:"callDirection,omitempty"`
	UserData         string    `json:"userData,omitempty"`
	TurnFlag         string    `json:"turnFlag"`
}

// AXQueryResponse is the answer of AX query.
type AXQueryResponse struct {
	Envelope
	PrivateNumList []AXBinding `json:"privateNumList"`
}

// AXCalleeRequest is the body of AX set temporary callee (§4.6).
type AXCalleeRequest struct {
	OrigNum        string `json:"origNum,omitempty"`
	PrivateNum     string `json:"privateNum,omitempty"`
	SubscriptionID string `json:"subscriptionId,omitempty"`
	CalleeNum      string `json:"calleeNum"`
	Duration       *int   `json:"duration,omitempty"`
	UserData       string `json:"userData,omitempty"`
}

// AXEBindRequest is the body of AXE bind (§5.2).
type AXEBindRequest struct {
	VirtualNum          string `json:"virtualNum,omitempty"`
	AreaCode            string `json:"areaCode,omitempty"`
	AreaMatchMode       string `json:"areaMatchMode,omitempty"`
	BindNum             string `json:"bindNum"`
	ExtendNum           string `json:"extendNum,omitempty"`
	DisplayNumMode      string `json:"displayNumMode,omitempty"`
	RecordFlag          string `json:"recordFlag,omitempty"`
	RecordHintTone      string `json:"recordHintTone,omitempty"`
	CallbackTone        string `json:"callbackTone,omitempty"`
	CallbackNum         string `json:"callbackNum,omitempty"`
	TimeUnit            string `json:"timeUnit,omitempty"`
	BindExpiredTime     *int   `json:"bindExpiredTime,omitempty"`
	CallbackExpiredTime *int   `json:"callbackExpiredTime,omitempty"`
	UserData            string `json:"userData,omitempty"`
}

// AXEBindResponse is the answer of AXE bind (D64).
type AXEBindResponse struct {
	Envelope
	SubscriptionID string `json:"subscriptionId,omitempty"`
	VirtualNum     string `json:"virtualNum,omitempty"`
	ExtendNum      string `json:"extendNum,omitempty"`
	BindNum        string `json:"bindNum,omitempty"`
}

// AXEModifyRequest is the body of AXE modify (§5.4).
type AXEModifyRequest struct {
	SubscriptionID      string `json:"subscriptionId,omitempty"`
	VirtualNum          string `json:"virtualNum,omitempty"`
	ExtendNum           string `json:"extendNum,omitempty"`
	DisplayNumMode      string `json:"displayNumMode,omitempty"`
	RecordFlag          string `json:"recordFlag,omitempty"`
	RecordHintTone      string `json:"recordHintTone,omitempty"`
	CallbackTone        string `json:"callbackTone,omitempty"`
	CallbackNum         string `json:"callbackNum,omitempty"`
	TimeUnit            string `json:"timeUnit,omitempty"`
	BindExpiredTime     *int   `json:"bindExpiredTime,omitempty"`
	CallbackExpiredTime *int   `json:"callbackExpiredTime,omitempty"`
	UserData            string `json:"userData,omitempty"`
}

// AXEKeyParams identify an AXE binding in unbind and query (§5.3, §5.5).
type AXEKeyParams struct {
	SubscriptionID string `url:"subscriptionId"`
	VirtualNum     string `url:"virtualNum"`
	ExtendNum      string `url:"extendNum"`
}

// AXEQueryResponse is the flat answer of AXE query.
type AXEQueryResponse struct {
	Envelope
	SubscriptionID      string `json:"subscriptionId"`
	VirtualNum          string `json:"virtualNum"`
	ExtendNum           string `json:"extendNum"`
	BindNum             string `json:"bindNum"`
	DisplayNumMode      string `json:"displayNumMode"`
	RecordFlag          string `json:"recordFlag"`
	RecordHintTone      string `json:"recordHintTone,omitempty"`
	CallbackTone        string `json:"callbackTone,omitempty"`
	CallbackNum         string `json:"callbackNum,omitempty"`
	TimeUnit            string `json:"timeUnit"`
	BindExpiredTime     int    `json:"bindExpiredTime"`
	CallbackExpiredTime int    `json:"callbackExpiredTime"`
	UserData            string `json:"userData,omitempty"`
}

// RecordParams are the query parameters of the recording download (§11).
type RecordParams struct {
	FileName     string `url:"fileName"`
	RecordDomain string `url:"recordDomain"`
}
