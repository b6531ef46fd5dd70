package conformance

import "testing"

// TestNeverAccepts: only the customer whose URLs never answer 200 makes the platform give up by
// design; the 204 customer and the retry app accept a later delivery.
func TestNeverAccepts(t *testing.T) {
	for key, want := range map[string]bool{DownAppKey: true, Answer204AppKey: false, RetryAppKey: false, "demo-axb": false} {
		if got := NeverAccepts(key); got != want {
			t.Errorf("NeverAccepts(%q) = %v, want %v", key, got, want)
		}
	}
}
