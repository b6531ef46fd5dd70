package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// FuzzParseRequestAuth feeds arbitrary Authorization and X-AKSK/X-WSSE values to the header
// parser (steps 1-7): it must never panic, and a parsed token always has its four attributes.
func FuzzParseRequestAuth(f *testing.F) {
	f.Add(`AKSK realm="SDP",profile="UsernameToken",type="Appkey"`, `UsernameToken Username="k",PasswordDigest="d",Nonce="n",Created="2018-02-12T15:30:20Z"`, "")
	f.Add(`WSSE realm="SDP", profile="UsernameToken", type="Appkey"`, "", `UsernameToken Username="k", PasswordDigest="d", Nonce="n", Created="c"`)
	f.Add(`AKSK realm=SDP,profile="",type="Appkey",realm="x"`, `UsernameToken Username="a"b",,=,"`, "")
	f.Add("Bearer \t", "\x00", "UsernameToken")
	f.Fuzz(func(t *testing.T, auth, xaksk, xwsse string) {
		h := http.Header{}
		h.Set("Authorization", auth)
		h.Set("X-AKSK", xaksk)
		h.Set("X-WSSE", xwsse)
		tok, err := pns.ParseRequestAuth(h)
		if err != nil {
			if err.Code.HTTPStatus() != 400 {
				t.Fatalf("parser answered %s", err.Code)
			}
			return
		}
		if tok.Username == "" || tok.Nonce == "" || tok.Created == "" || tok.PasswordDigest == "" {
			t.Fatalf("token with missing attribute: %+v", tok)
		}
		_, verr := tok.Verify("secret", pns.VerifyOptions{Now: time.Now(), Skew: 300 * time.Second, LocalOffset: 8 * time.Hour})
		if verr != nil && verr.Code.HTTPStatus() >= 500 {
			t.Fatalf("verify answered %s", verr.Code)
		}
	})
}

// fuzzApps are the apps of the default configuration, for calling decoders directly.
func fuzzApps(tb testing.TB) map[string]*App {
	tb.Helper()
	cfg, err := DefaultConfig()
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Apps[0].ToneFiles = []string{"a.wav"}
	out := map[string]*App{}
	for _, a := range cfg.Apps {
		app := &App{AppConfig: a, tones: map[string]bool{}}
		for _, tn := range a.ToneFiles {
			app.tones[tn] = true
		}
		out[a.AppKey] = app
	}
	return out
}

// decodeOnly runs the decoder of one interface on a body or a query string; it returns the
// validation error, or nil when the request is valid.
func decodeOnly(apps map[string]*App, id string, input string) *pns.Error {
	iface, _ := pns.InterfaceByID(id)
	var rd *reader
	if iface.Query {
		rd = newQueryReader(input)
	} else {
		m, err := parseObject([]byte(input))
		if err != nil {
			return err
		}
		rd = newBodyReader(m)
	}
	appOf := map[pns.Mode]string{pns.ModeAXB: axbKey, pns.ModeAX: axKey, pns.ModeAXE: axeKey, "": axbKey}
	ep, ok := endpointFor(iface)
	if !ok {
		return pns.NewError(pns.CodeInternalSystemError) // not 1010002: FuzzDecoders fails
	}
	return ep.validate(rd, apps[appOf[iface.Mode]])
}

// FuzzDecoders feeds every request decoder arbitrary bodies and query strings: the answer is
// a validated input or 1010002 naming a field, never a panic.
func FuzzDecoders(f *testing.F) {
	f.Add(uint8(0), `{"callerNum":"+8613800100001","calleeNum":"+8613800100002","preVoice":{"callerHintTone":"a.wav"},"duration":1}`)
	f.Add(uint8(1), `subscriptionId=x&relationNum=%2B8617001100000`)
	f.Add(uint8(2), `{"subscriptionId":"s","callerNum":null,"recordFlag":"true","duration":1e400}`)
	f.Add(uint8(3), `relationNum=%2B8617001100000&pageIndex=-1&pageSize=99999999999999999999`)
	f.Add(uint8(4), `{"origNum":"+8613800200001","preVoice":[],"privateNumType":"mobile-virtual"}`)
	f.Add(uint8(8), `{"privateNum":"+8617002100000","calleeNum":"+8695588","duration":259200}`)
	f.Add(uint8(9), `{"bindNum":"+8613800300001","extendNum":"0001","timeUnit":"1","callbackExpiredTime":129600}`)
	f.Add(uint8(11), `{"subscriptionId":"","virtualNum":"+8617003100000","extendNum":"0001","timeUnit":"0"}`)
	f.Add(uint8(13), `fileName=a%zz&recordDomain=`)
	apps := fuzzApps(f)
	f.Fuzz(func(t *testing.T, which uint8, input string) {
		iface := pns.Interfaces[int(which)%len(pns.Interfaces)]
		err := decodeOnly(apps, iface.ID, input)
		if err != nil && (err.Code != pns.CodeInvalidRequest || !strings.HasPrefix(err.Desc, "Invalid request. ") || len(err.Desc) == len("Invalid request. ")) {
			t.Fatalf("%s: %+v", iface.ID, err)
		}
	})
}

// FuzzRequest sends arbitrary signed requests through the whole handler (authentication,
// validation, store): the answer is never a 5xx and always a JSON envelope.
func FuzzRequest(f *testing.F) {
	f.Add(uint8(0), `{"callerNum":"+8613800100001","calleeNum":"+8613800100002"}`, "")
	f.Add(uint8(3), ``, `relationNum=%2B8617001100000&callerNum=%2B8613800100001`)
	f.Add(uint8(4), `{"origNum":"+8613800200001","areaCode":"021","areaMatchMode":"1"}`, "")
	f.Add(uint8(8), `{"privateNum":"+8617002100000","calleeNum":"+8613800200009"}`, "")
	f.Add(uint8(9), `{"bindNum":"+8613800300001","virtualNum":"+8617003100000","extendNum":"9999"}`, "")
	f.Add(uint8(12), ``, `virtualNum=%2B8617003100000&extendNum=0001`)
	f.Add(uint8(13), ``, `fileName=x&recordDomain=y`)
	cfg, err := DefaultConfig()
	if err != nil {
		f.Fatal(err)
	}
	cfg.LockoutEnabled = boolPtr(false)
	e, err := New(*cfg)
	if err != nil {
		f.Fatal(err)
	}
	h := e.Handler()
	appOf := map[pns.Mode]string{pns.ModeAXB: axbKey, pns.ModeAX: axKey, pns.ModeAXE: axeKey, "": axbKey}
	f.Fuzz(func(t *testing.T, which uint8, body, query string) {
		iface := pns.Interfaces[int(which)%len(pns.Interfaces)]
		req := httptest.NewRequest(iface.Method, "http://pns.test"+iface.Path, strings.NewReader(body))
		req.URL.RawQuery = query
		app := appOf[iface.Mode]
		pns.Signer{AppKey: app, AppSecret: secrets[app]}.Sign(req.Header)
		req.Header.Set("Content-Type", pns.ContentTypeJSON)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q %q: %d %s", iface.ID, body, query, rec.Code, rec.Body)
		}
		if rec.Code != 301 && !strings.HasPrefix(rec.Body.String(), `{"resultcode":"`) {
			t.Fatalf("%s: not an envelope: %d %s", iface.ID, rec.Code, rec.Body)
		}
	})
}
