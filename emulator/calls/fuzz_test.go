package calls

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzHandler feeds arbitrary bodies to the control interface: every answer must be 200 or a
// 4xx with a JSON error, never a panic or a 5xx.
func FuzzHandler(f *testing.F) {
	f.Add("calls", `{"caller":"+8613800000001","called":"+8617000000001"}`)
	f.Add("calls", `{"caller":"+8613600000000","called":"+8617200000001","extension":"0001","outcome":"busy"}`)
	f.Add("sms", `{"from":"+8613900000001","to":"+8617100000001","content":"x@+8613500000001"}`)
	f.Add("numbers/status", `{"numbers":["+8617000000001"],"status":"10","cause":"2"}`)
	f.Add("calls", `{"ringSeconds":1e99}`)
	fx := newFixture(Options{Immediate: true, MaxLogPerApp: 10})
	h := fx.sim.Handler()
	f.Fuzz(func(t *testing.T, path, body string) {
		rr := httptest.NewRecorder()
		req, err := http.NewRequest(http.MethodPost, "/emulator/v1/"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		h.ServeHTTP(rr, req)
		if rr.Code >= 500 {
			t.Fatalf("POST %s %q: %d %s", path, body, rr.Code, rr.Body)
		}
	})
}
