package pns

import "context"

// Request and response types of the AXYB interfaces (reference §6.2-§6.4). Every AXYB request
// carries the app's APP_Key as the URL parameter app_key, the bind too (its body travels as
// JSON, app_key in the query string).

// AXYBAppKey is the URL parameter every AXYB request carries.
type AXYBAppKey struct {
	AppKey string `url:"app_key"`
}

// AXYBBindRequest is the body of an AXYB bind (§6.2): an AX bind when SubscriptionID is empty,
// a YB bind (B attached to that AX) when it is set. Durations are JSON numbers; the platform
// also accepts decimal strings (D83).
type AXYBBindRequest struct {
	SubscriptionID string `json:"subscriptionId,omitempty"`
	OrigNum        string `json:"origNum"`
	AreaCode       string `json:"areaCode,omitempty"`
	AreaMatchMode  string `json:"areaMatchMode,omitempty"`
	CallDirection  *int   `json:"callDirection,omitempty"`
	Duration       *int   `json:"duration,omitempty"`
	YBDuration     *int   `json:"ybDuration,omitempty"`
	RecordFlag     string `json:"recordFlag,omitempty"`
	RecordHintTone string `json:"recordHintTone,omitempty"`
	PreVoiceX      string `json:"preVoiceX,omitempty"`
	PreVoiceY      string `json:"preVoiceY,omitempty"`
	UserData       string `json:"userData,omitempty"`
}

// AXYBBindResponse is the answer of an AXYB bind: the relation's ID and X (AX bind) or Y (YB
// bind), spelled relationNumber.
type AXYBBindResponse struct {
	Envelope
	SubscriptionID string `json:"subscriptionId,omitempty"`
	RelationNumber string `json:"relationNumber,omitempty"`
}

// AXYBUnbindParams are the query parameters of an AXYB unbind (§6.3): the relation alone, or
// one YB by Y (which wins) or B.
type AXYBUnbindParams struct {
	AppKey         string `url:"app_key"`
	SubscriptionID string `url:"subscriptionId"`
	YNum           string `url:"yNum"`
	BNum           string `url:"bNum"`
}

// AXYBQueryParams are the query parameters of an AXYB query (§6.4): subscriptionId wins over
// relationNum (an X).
type AXYBQueryParams struct {
	AppKey         string `url:"app_key"`
	SubscriptionID string `url:"subscriptionId"`
	RelationNum    string `url:"relationNum"`
}

// AXYBRelationInfo is one xyRelationNumList element (xyRelationNumInfo): one YB of a relation,
// or the AX alone (no numY/numB) when it has none.
type AXYBRelationInfo struct {
	BindID         string `json:"bindId"`
	NumA           string `json:"numA"`
	NumX           string `json:"numX"`
	NumY           string `json:"numY,omitempty"`
	NumB           string `json:"numB,omitempty"`
	RecordFlag     string `json:"recordFlag"`
	RecordHintTone string `json:"recordHintTone,omitempty"`
	SubscribeTime  string `json:"subscribeTime"`
	CallDirection  int    `json:"callDirection"`
	Duration       string `json:"duration"`
	YBDuration     string `json:"ybDuration"`
	PreVoiceX      string `json:"preVoiceX,omitempty"`
	PreVoiceY      string `json:"preVoiceY,omitempty"`
	UserData       string `json:"userData,omitempty"`
}

// AXYBQueryResponse is the answer of an AXYB query.
type AXYBQueryResponse struct {
	Envelope
	XYRelationNumList []AXYBRelationInfo `json:"xyRelationNumList,omitempty"`
}

// AXYBBind sends an AX bind or, with SubscriptionID set, a YB bind, with app_key appKey.
func (c *Client) AXYBBind(ctx context.Context, appKey string, req AXYBBindRequest) (*AXYBBindResponse, *Response, error) {
	var out AXYBBindResponse
	r, err := c.Send(ctx, IfaceAXYBBind, AXYBAppKey{AppKey: appKey}, req, &out)
	return &out, r, err
}

// AXYBUnbind removes an AXYB relation or one of its YB.
func (c *Client) AXYBUnbind(ctx context.Context, p AXYBUnbindParams) (*Response, error) {
	return c.Send(ctx, IfaceAXYBUnbind, p, nil, nil)
}

// AXYBQuery queries the relations of a subscriptionId or an X.
func (c *Client) AXYBQuery(ctx context.Context, p AXYBQueryParams) (*AXYBQueryResponse, *Response, error) {
	var out AXYBQueryResponse
	r, err := c.Send(ctx, IfaceAXYBQuery, p, nil, &out)
	return &out, r, err
}
