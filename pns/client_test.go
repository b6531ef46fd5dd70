package pns

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestClientQueryEscaping: a + in a query value travels as %2B (the platform requires it) and a
// blank as %20, never as +, which a platform reading an unescaped + as a plus (D17 leaves it
// open) would take for a plus sign.
func TestClientQueryEscaping(t *testing.T) {
	var raw string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw = r.URL.RawQuery
		w.Header().Set("Content-Type", ContentTypeJSON)
		_, _ = w.Write([]byte(`{"resultcode":"0","resultdesc":"Success"}`))
	}))
	defer srv.Close()
	c := Client{BaseURL: srv.URL, Signer: Signer{AppKey: "k", AppSecret: "s"}}
	if _, err := c.Do(context.Background(), http.MethodGet, PathAX, url.Values{"privateNum": {" 8617002100000"}, "origNum": {"+8613800000001"}}, nil); err != nil {
		t.Fatal(err)
	}
	if want := "origNum=%2B8613800000001&privateNum=%208617002100000"; raw != want {
		t.Errorf("query %q, want %q", raw, want)
	}
}
