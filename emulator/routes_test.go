package emulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestRouting(t *testing.T) {
	te := newTestEmu(t, nil)
	cases := []struct {
		method, path string
		status       int
	}{
		{"GET", "/", 404},
		{"POST", "/rest/caas/relationnumber/partners/v1.0/", 404},
		{"POST", "/rest/caas/relationnumber/partners/v2.0", 404},
		{"GET", "/rest/httpsessions/callStop/v2.0", 405}, // stop call: POST only
		{"POST", "/rest/httpsessions/callStop/v1.0", 404},
		{"PATCH", pathAXB, 405},
		{"HEAD", pathAX, 405},
		{"POST", pathCallee, 405},
		{"GET", pathCallee, 405},
		{"POST", pathRecord, 405},
		{"DELETE", pathRecord, 405},
		{"OPTIONS", pathAXE, 405},
	}
	if r := te.call(axbKey, "PATCH", pathAXB, ""); r.Header.Get("Allow") != "POST, DELETE, PUT, GET" {
		t.Errorf("Allow %q", r.Header.Get("Allow"))
	}
	for _, tc := range cases {
		// Valid auth headers make no difference: routing comes first.
		r := te.call(axbKey, tc.method, tc.path, validAXBBody)
		if r.Status != tc.status || len(r.Body) != 0 {
			t.Errorf("%s %s: %d %q, want %d with empty body", tc.method, tc.path, r.Status, r.Body, tc.status)
		}
		if tc.status == 405 && r.Header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tc.method, tc.path)
		}
	}
}

func TestRequestFormat(t *testing.T) {
	te := newTestEmu(t, nil)
	big := `{"callerNum":"+8613800100001","calleeNum":"+8613800100002","userData":"` + strings.Repeat("x", 70000) + `"}`
	cases := []struct {
		name, method, path, ctype, body, desc string
	}{
		{"no content type", "POST", pathAXB, "", validAXBBody, "Invalid request. Content-Type"},
		{"text/plain", "POST", pathAXB, "text/plain", validAXBBody, "Invalid request. Content-Type"},
		{"form", "PUT", pathAXB, "application/x-www-form-urlencoded", validAXBBody, "Invalid request. Content-Type"},
		{"json with gbk", "POST", pathAXB, "application/json;charset=GBK", validAXBBody, "Invalid request. Content-Type"},
		{"garbage media type", "POST", pathAXB, ";;;", validAXBBody, "Invalid request. Content-Type"},
		{"empty body", "POST", pathAXB, "application/json", "", "Invalid request. body"},
		{"truncated JSON", "POST", pathAXB, "application/json", `{"callerNum":"+86138`, "Invalid request. body"},
		{"array", "POST", pathAXB, "application/json", `[1]`, "Invalid request. body"},
		{"string", "POST", pathAXB, "application/json", `"x"`, "Invalid request. body"},
		{"null", "POST", pathAXB, "application/json", `null`, "Invalid request. body"},
		{"trailing data", "POST", pathAXB, "application/json", validAXBBody + `{}`, "Invalid request. body"},
		{"trailing garbage", "POST", pathAXB, "application/json", validAXBBody + `x`, "Invalid request. body"},
		{"oversized", "POST", pathAXB, "application/json", big, "Invalid request. body"},
		{"form-encoded body", "POST", pathAX, "application/json", "origNum=%2B8613800200001", "Invalid request. body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := axbKey
			if tc.path == pathAX {
				app = axKey
			}
			h := te.authHeaders(app)
			h.Del("Content-Type")
			if tc.ctype != "" {
				h.Set("Content-Type", tc.ctype)
			}
			te.raw(tc.method, tc.path, h, tc.body).expect(t, 403, "1010002", tc.desc)
		})
	}
	t.Run("accepted media types", func(t *testing.T) {
		for i, ct := range []string{"application/json", "Application/JSON; Charset=utf-8", "application/json;charset=UTF-8"} {
			h := te.authHeaders(axbKey)
			h.Set("Content-Type", ct)
			body := `{"callerNum":"+861380010100` + string(rune('0'+i)) + `","calleeNum":"+8613800102000"}`
			if i > 0 {
				body = `{"callerNum":"+861380010100` + string(rune('0'+i)) + `","calleeNum":"+861380010200` + string(rune('0'+i)) + `"}`
			}
			te.raw("POST", pathAXB, h, body).mustOK(t)
		}
	})
	t.Run("GET and DELETE ignore content type and body", func(t *testing.T) {
		h := te.authHeaders(axbKey)
		h.Set("Content-Type", "text/plain")
		te.raw("DELETE", pathAXB, h, `{"subscriptionId":"x"}`).expect(t, 403, "1010002", "Invalid request. subscriptionId")
	})
}

func TestPanicRecovery(t *testing.T) {
	te := newTestEmu(t, nil)
	te.e.HandleAdmin("GET /emulator/v1/boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	r := te.raw("GET", "/emulator/v1/boom", nil, "")
	r.expect(t, 500, "1010001", "Internal system error.")
	if got := metricValue(te.e.metrics.panics); got != 1 {
		t.Errorf("panics metric %v", got)
	}
	// The server still works.
	te.call(axbKey, "POST", pathAXB, validAXBBody).mustOK(t)
}

func TestHandleAdminPattern(t *testing.T) {
	te := newTestEmu(t, nil)
	defer func() {
		if recover() == nil {
			t.Error("pattern outside /emulator/v1/ accepted")
		}
	}()
	te.e.HandleAdmin("GET /calls", http.NotFoundHandler())
}

func TestShortConnections(t *testing.T) {
	for _, short := range []bool{false, true} {
		te := newTestEmu(t, func(c *Config) { c.ShortConnections = short })
		r := te.call(axbKey, "GET", pathAXB+"?subscriptionId=x", "")
		if r.Close != short {
			t.Errorf("shortConnections=%v: response Close %v", short, r.Close)
		}
	}
}

func TestNoHTMLEscaping(t *testing.T) {
	te := newTestEmu(t, nil)
	te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100001","calleeNum":"+8613800100002","userData":"a<b>&c"}`).mustOK(t)
	r := te.call(axbKey, "GET", pathAXB+"?relationNum=%2B8617001100000", "").mustOK(t)
	if !strings.Contains(string(r.Body), `"userData":"a<b>&c"`) {
		t.Fatalf("userData escaped: %s", r.Body)
	}
}
