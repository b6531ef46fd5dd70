package pns

import "context"

// StopCallRequest is the body of the stop call (reference §11.2). SessionID is the sessionId
// of the call's events or fee record, sent as "sessionid" (lower-case i); Signal is always
// StopCallSignal.
type StopCallRequest struct {
	SessionID string `json:"sessionid"`
	Signal    string `json:"signal"`
}

// StopCall ends a call that is going on; a call that has already ended gets a result code
// other than "0". The answer is read as JSON whatever its Content-Type (Huawei's example labels
// it text/html).
func (c *Client) StopCall(ctx context.Context, sessionID string) (*Response, error) {
	return c.Send(ctx, IfaceStopCall, nil, StopCallRequest{SessionID: sessionID, Signal: StopCallSignal}, nil)
}
