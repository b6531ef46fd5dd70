package pns

// TypeAnomalies count what went wrong with the notifications of one type (a call event type,
// fee, numstatus, an SMS kind). The receiver counts them and the report shows them: both use
// this one value, so a counter added here reaches the report without a field-by-field copy.
type TypeAnomalies struct {
	// Duplicate counts records of the type that arrived again in another body (same event
	// type in a session, same icid, same smsIdentifier): beyond the platform's re-pushes,
	// which repeat the identical body and are counted as redeliveries.
	Duplicate  int64 `json:"duplicate"`
	OutOfOrder int64 `json:"outOfOrder"`
	Late       int64 `json:"late"`
	// ClockSkew counts records of the type whose delay came out negative (the sender's clock
	// ahead of the receiver's): counted, never recorded as a delay.
	ClockSkew int64 `json:"clockSkew"`
}

// Add adds b's counts to a's, as merging two receivers' results does.
func (a *TypeAnomalies) Add(b TypeAnomalies) {
	a.Duplicate += b.Duplicate
	a.OutOfOrder += b.OutOfOrder
	a.Late += b.Late
	a.ClockSkew += b.ClockSkew
}
