package conformance

import (
	"net/http"
	"strings"
	"testing"
)

// TestCurlCommandQuotesAndHidesTheSignature: the body and headers survive a POSIX shell
// (single quotes escaped), the signature header is replaced whatever its case, and an
// altered authentication is said.
func TestCurlCommandQuotesAndHidesTheSignature(t *testing.T) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-AKSK", `UsernameToken Username="k",PasswordDigest="secret-digest"`)
	got := curlCommand("PUT", "http://127.0.0.1:1/x?a=b", h, []byte(`{"n":"it's"}`), "k", "my profile.yaml", true)
	want := `curl -X PUT 'http://127.0.0.1:1/x?a=b' -H 'Content-Type: application/json' -H "X-AKSK: $PNS_SIGNED_HEADER" --data-raw '{"n":"it'\''s"}'  # PNS_SIGNED_HEADER: a fresh X-AKSK value signed for app key k (the one sent is not printed): PNS_SIGNED_HEADER="$(harness sign --profile 'my profile.yaml' --app-key 'k' --format value)"; the scenario altered the authentication on purpose, which a fresh signature does not reproduce`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if strings.Contains(got, "secret-digest") {
		t.Error("the signature was printed")
	}
	if got := curlCommand("GET", "http://127.0.0.1:1/y", http.Header{}, nil, "k", "", false); got != "curl -X GET 'http://127.0.0.1:1/y'" {
		t.Errorf("unsigned GET: %s", got)
	}
	h = http.Header{}
	h.Set("X-WSSE", "x")
	if got, want := curlCommand("GET", "http://127.0.0.1:1/y", h, nil, "k", "", false), `PNS_SIGNED_HEADER="$(harness sign --app-key 'k' --format value --scheme wsse)"`; !strings.HasSuffix(got, want) {
		t.Errorf("WSSE without a profile file: %s, want the suffix %s", got, want)
	}
}
