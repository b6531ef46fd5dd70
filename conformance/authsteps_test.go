package conformance

import "testing"

// TestDigestMistakes checks the mistaken digests against the worked example of the contract
// (invented credentials, the docs' nonce and time), so that each scenario sends the mistake it
// names and not some other wrong value.
func TestDigestMistakes(t *testing.T) {
	const secret, nonce, created = "pnsDemoAppSecret0001", "66C92B11FF8A425FB8D4CCFE0ED9ED1F", "2018-02-12T15:30:20Z"
	want := map[string]string{
		"the message in the wrong order (Created + Nonce)": "USDOhlsuIvICV9DD6a+XGoEYZSN9q8Dc1N2FMqza57M=",
		"key and message swapped":                          "7boj1oLprqmuAriO7VPOPahKj/Swl7vgN+rEdiEMqZQ=",
		"Base64 of the hex string instead of the raw MAC":  "NzlkYTBmYmZkMzVlMGNlNDA0YzljNzAwYjdkMWMyYTM2ZjY0M2IyNTM0NmNiOTg4NzRiY2E1YTdkM2EzMTRkOQ==",
		"the X-WSSE digest on the X-AKSK header":           "1VveoXaFc2qWs6HuUjAM2WJAK6zk76kQj4YnDO9dC0E=",
	}
	correct := hmacB64([]byte(secret), nonce+created)
	if correct != "edoPv9NeDOQEyccAt9HCo29kOyU0bLmIdLylp9OjFNk=" {
		t.Fatalf("correct digest %s", correct)
	}
	for name, f := range digestMistakes {
		got := f(secret, nonce, created)
		if got == correct {
			t.Errorf("%s: produces the correct digest", name)
		}
		if w, ok := want[name]; ok && got != w {
			t.Errorf("%s: %s, want %s", name, got, w)
		}
	}
}
