// This file is split from axyb.go (issue 23): the AXYB inputs and results of the store's
// API, kept with the mode rather than in api.go so that a mode's types are in its own files.

package store

import (
	"time"
)

// AXYBBindInput is a validated AXYB AX bind (§6.2). Durations are in seconds; nil means not
// sent (duration then defaults to 7200, ybDuration to 0).
type AXYBBindInput struct {
	OrigNum        string
	AreaCode       string
	LooseArea      bool
	CallDirection  int
	Duration       *int
	YBDuration     *int
	RecordFlag     bool
	RecordHintTone string
	PreVoiceX      string
	PreVoiceY      string
	UserData       string
}

// AXYBYBInput is a validated AXYB YB bind (§6.2): B attached to the AX SubscriptionID.
type AXYBYBInput struct {
	SubscriptionID string
	OrigNum        string
	AreaCode       string
	LooseArea      bool
	YBDuration     *int
	PreVoiceY      string
}

// AXYBUnbindInput is a validated AXYB unbind (§6.3): the whole relation, or one YB named by Y
// (which wins) or by B.
type AXYBUnbindInput struct {
	SubscriptionID string
	YNum           string
	BNum           string
}

// AXYBQueryInput is a validated AXYB query (§6.4): SubscriptionID wins over RelationNum (X).
type AXYBQueryInput struct {
	SubscriptionID string
	RelationNum    string
}

// AXYBPart is one YB relation of an AXYB relation.
type AXYBPart struct {
	Y string
	B string
	// YBDuration is the lifetime in seconds (0 = until the AX goes).
	YBDuration int
	// Auto is set for a Y the platform assigned when B dialled X (§6.1).
	Auto      bool
	PreVoiceY string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AXYBRelation is an AXYB relation: the AX part and its YB parts in creation order.
type AXYBRelation struct {
	// App is the owning app's key.
	App            string
	SubscriptionID string
	A              string
	X              string
	CallDirection  int
	// Duration is the AX lifetime in seconds as last set (0 = never expires).
	Duration int
	// YBDuration is the AX bind's YB lifetime in seconds, capped by Duration (§6.2).
	YBDuration     int
	RecordFlag     bool
	RecordHintTone string
	PreVoiceX      string
	PreVoiceY      string
	UserData       string
	CreatedAt      time.Time
	SubscribeTime  time.Time
	ExpiresAt      time.Time
	YB             []AXYBPart
}
