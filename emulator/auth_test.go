package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

const validAXBBody = `{"callerNum":"+8613800100001","calleeNum":"+8613800100002"}`

// authCase builds headers from a valid set by changing one thing.
type authCase struct {
	name   string
	mutate func(te *testEmu, h http.Header)
	app    string // default demo-axb
	path   string // default AXB bind
	cfg    func(*Config)
	status int
	code   string
	desc   string
}

func xaksk(user, digest, nonce, created string) string {
	return fmt.Sprintf(`UsernameToken Username="%s",PasswordDigest="%s",Nonce="%s",Created="%s"`, user, digest, nonce, created)
}

func nowCreated(te *testEmu) string {
	return time.Unix(te.wall.Load(), 0).UTC().Format("2006-01-02T15:04:05Z")
}

func TestAuthEachDefect(t *testing.T) {
	set := func(k, v string) func(*testEmu, http.Header) {
		return func(_ *testEmu, h http.Header) { h.Set(k, v) }
	}
	signedAt := func(created string) func(*testEmu, http.Header) {
		return func(te *testEmu, h http.Header) {
			h.Set("X-AKSK", xaksk(axbKey, akskDigest(axbSecret, "n1", created), "n1", created))
		}
	}
	wsse := func(attrs string) func(*testEmu, http.Header) {
		return func(_ *testEmu, h http.Header) {
			h.Set("Authorization", `WSSE realm="SDP",profile="UsernameToken",type="Appkey"`)
			h.Del("X-AKSK")
			if attrs != "" {
				h.Set("X-WSSE", "UsernameToken "+attrs)
			}
		}
	}
	cases := []authCase{
		{name: "1 Authorization missing", mutate: func(_ *testEmu, h http.Header) { h.Del("Authorization") }, status: 400, code: "1023006", desc: "Authorization not contained in the HTTP header."},
		{name: "1 Authorization empty", mutate: set("Authorization", ""), status: 400, code: "1023006"},
		{name: "2 other scheme parsed as AKSK", mutate: set("Authorization", "Bearer abc"), status: 400, code: "1023007"},
		{name: "3 realm missing", mutate: set("Authorization", `AKSK profile="UsernameToken",type="Appkey"`), status: 400, code: "1023007", desc: "realm not contained in Authorization."},
		{name: "3 profile missing", mutate: set("Authorization", `AKSK realm="SDP",type="Appkey"`), status: 400, code: "1023008", desc: "profile not contained in Authorization."},
		{name: "3 type missing", mutate: set("Authorization", `AKSK realm="SDP",profile="UsernameToken"`), status: 400, code: "1023012", desc: "type not contained in Authorization."},
		{name: "3 realm unquoted counts as missing", mutate: set("Authorization", `AKSK realm=SDP,profile="UsernameToken",type="Appkey"`), status: 400, code: "1023007"},
		{name: "4 realm wrong", mutate: set("Authorization", `AKSK realm="sdp",profile="UsernameToken",type="Appkey"`), status: 400, code: "1023009", desc: "The value of realm in Authorization must be SDP."},
		{name: "4 profile wrong", mutate: set("Authorization", `AKSK realm="SDP",profile="Token",type="Appkey"`), status: 400, code: "1023010", desc: "The value of profile in Authorization must be UsernameToken."},
		{name: "4 type wrong", mutate: set("Authorization", `AKSK realm="SDP",profile="UsernameToken",type="app_key"`), status: 400, code: "1023011", desc: "The value of type in Authorization must be app_key."},
		{name: "5 X-AKSK missing", mutate: func(_ *testEmu, h http.Header) { h.Del("X-AKSK") }, status: 400, code: "1023033", desc: "HTTP header not found X-AKSK field."},
		{name: "5 X-WSSE missing", mutate: wsse(""), status: 400, code: "1023026", desc: "X-WSSE not contained in the HTTP header."},
		{name: "6 UsernameToken missing", mutate: func(te *testEmu, h http.Header) {
			h.Set("X-AKSK", strings.Replace(h.Get("X-AKSK"), "UsernameToken ", "Token ", 1))
		}, status: 400, code: "1023038", desc: "UsernameToken not contained in X-AKSK."},
		{name: "7 Username missing", mutate: set("X-AKSK", `UsernameToken PasswordDigest="d",Nonce="n",Created="2026-03-01T08:00:00Z"`), status: 400, code: "1023034", desc: "UserName not contained in X-AKSK."},
		{name: "7 Nonce missing", mutate: set("X-AKSK", `UsernameToken Username="demo-axb",PasswordDigest="d",Created="2026-03-01T08:00:00Z"`), status: 400, code: "1023035", desc: "Nonce not contained in X-AKSK."},
		{name: "7 Created missing", mutate: set("X-AKSK", `UsernameToken Username="demo-axb",PasswordDigest="d",Nonce="n"`), status: 400, code: "1023036", desc: "Created not contained in X-AKSK."},
		{name: "7 PasswordDigest missing", mutate: set("X-AKSK", `UsernameToken Username="demo-axb",Nonce="n",Created="2026-03-01T08:00:00Z"`), status: 400, code: "1023037", desc: "PasswordDigest not contained in X-AKSK."},
		{name: "7 WSSE Username missing", mutate: wsse(`PasswordDigest="d",Nonce="n",Created="c"`), status: 400, code: "1023027"},
		{name: "7 WSSE Nonce missing", mutate: wsse(`Username="demo-axb",PasswordDigest="d",Created="c"`), status: 400, code: "1023028"},
		{name: "7 WSSE Created missing", mutate: wsse(`Username="demo-axb",PasswordDigest="d",Nonce="n"`), status: 400, code: "1023029"},
		{name: "7 WSSE PasswordDigest missing", mutate: wsse(`Username="demo-axb",Nonce="n",Created="c"`), status: 400, code: "1023030"},
		{name: "8 unknown app", mutate: func(te *testEmu, h http.Header) {
			c := nowCreated(te)
			h.Set("X-AKSK", xaksk("nobody", akskDigest("x", "n", c), "n", c))
		}, status: 403, code: "1010003", desc: "Invalid app_key."},
		{name: "9 WSSE with legacyWSSE off", cfg: func(c *Config) { c.Apps[0].LegacyWSSE = boolPtr(false) }, mutate: func(te *testEmu, h http.Header) {
			c := nowCreated(te)
			wsse(fmt.Sprintf(`Username="demo-axb",PasswordDigest="%s",Nonce="n",Created="%s"`, wsseDigest(axbSecret, "n", c), c))(te, h)
		}, status: 400, code: "1023033"},
		{name: "10 IP not on allow-list", cfg: func(c *Config) { c.Apps[0].IPWhitelist = []string{"10.0.0.0/8"} }, status: 403, code: "1020166", desc: "The app client ip is not in ip white list."},
		{name: "11 Created malformed", mutate: signedAt("2026-03-01 08:00:00"), status: 401, code: "1010013", desc: "Time out limit."},
		{name: "11 Created with fraction", mutate: signedAt("2026-03-01T08:00:00.000Z"), status: 401, code: "1010013"},
		{name: "11 WSSE Created malformed", mutate: func(te *testEmu, h http.Header) {
			wsse(`Username="demo-axb",PasswordDigest="d",Nonce="n",Created="2026-03-01T08:00:00+08:00"`)(te, h)
		}, status: 400, code: "1023031", desc: "The format of Created is invalid."},
		{name: "12 Nonce over 128", mutate: func(te *testEmu, h http.Header) {
			n, c := strings.Repeat("a", 129), nowCreated(te)
			h.Set("X-AKSK", xaksk(axbKey, akskDigest(axbSecret, n, c), n, c))
		}, status: 401, code: "1010010", desc: "Invalid digest."},
		{name: "13 Created 301 s old", mutate: signedAt("2026-03-01T07:54:59Z"), status: 401, code: "1010013"},
		{name: "13 Created 301 s ahead", mutate: signedAt("2026-03-01T08:05:01Z"), status: 401, code: "1010013"},
		{name: "13 Created one day old", mutate: signedAt("2026-02-28T08:00:00Z"), status: 401, code: "1010013"},
		{name: "13 local time without tolerance", cfg: func(c *Config) { c.TolerateLocalTimeAsUTC = strPtr("") }, mutate: signedAt("2026-03-01T16:00:00Z"), status: 401, code: "1010013"},
		{name: "14 digest mismatch", mutate: func(te *testEmu, h http.Header) {
			c := nowCreated(te)
			h.Set("X-AKSK", xaksk(axbKey, akskDigest("wrong", "n", c), "n", c))
		}, status: 401, code: "1010010", desc: "Invalid digest."},
		{name: "14 WSSE digest of AKSK", mutate: func(te *testEmu, h http.Header) {
			c := nowCreated(te)
			wsse(fmt.Sprintf(`Username="demo-axb",PasswordDigest="%s",Nonce="n",Created="%s"`, akskDigest(axbSecret, "n", c), c))(te, h)
		}, status: 401, code: "1010010"},
		{name: "17 frozen", cfg: func(c *Config) { c.Apps[0].Frozen = true }, status: 403, code: "1010029", desc: "The subscriber status is frozen"},
		{name: "18 mode mismatch", path: pathAX, status: 403, code: "1010040", desc: "The app_key is not allowed to invoke the API."},
		{name: "20 validation after auth", path: pathAXB + "?x=1", mutate: func(_ *testEmu, h http.Header) { h.Set("Content-Type", "text/plain") }, status: 403, code: "1010002", desc: "Invalid request. Content-Type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEmu(t, tc.cfg)
			app := tc.app
			if app == "" {
				app = axbKey
			}
			h := te.authHeaders(app)
			if tc.mutate != nil {
				tc.mutate(te, h)
			}
			path := tc.path
			if path == "" {
				path = pathAXB
			}
			r := te.raw("POST", path, h, validAXBBody)
			r.expect(t, tc.status, tc.code, tc.desc)
			if got := r.Header.Get("Content-Type"); got != ContentTypeResponse {
				t.Errorf("Content-Type %q", got)
			}
		})
	}
}

func TestAuthAccepted(t *testing.T) {
	cases := []struct {
		name   string
		cfg    func(*Config)
		mutate func(te *testEmu, h http.Header)
		local  float64
	}{
		{name: "valid AKSK"},
		{name: "lower-case header names and spaced separators", mutate: func(te *testEmu, h http.Header) {
			auth, x := h.Get("Authorization"), h.Get("X-AKSK")
			h.Del("Authorization")
			h.Del("X-AKSK")
			h["authorization"] = []string{strings.ReplaceAll(auth, ",", ", ")}
			h["x-aksk"] = []string{strings.ReplaceAll(x, ",", " ,\t")}
		}},
		{name: "attributes in any order", mutate: func(te *testEmu, h http.Header) {
			h.Set("Authorization", `AKSK type="Appkey", profile="UsernameToken", realm="SDP"`)
			c := nowCreated(te)
			h.Set("X-AKSK", fmt.Sprintf(`UsernameToken Created="%s",Nonce="n",PasswordDigest="%s",Username="demo-axb"`, c, akskDigest(axbSecret, "n", c)))
		}},
		{name: "WSSE legacy with spaces", mutate: func(te *testEmu, h http.Header) {
			c := nowCreated(te)
			h.Set("Authorization", `WSSE realm="SDP", profile="UsernameToken", type="Appkey"`)
			h.Del("X-AKSK")
			h.Set("X-WSSE", fmt.Sprintf(`UsernameToken Username="demo-axb", PasswordDigest="%s", Nonce="n", Created="%s"`, wsseDigest(axbSecret, "n", c), c))
		}},
		{name: "Created 300 s old", mutate: func(te *testEmu, h http.Header) {
			c := "2026-03-01T07:55:00Z"
			h.Set("X-AKSK", xaksk(axbKey, akskDigest(axbSecret, "n", c), "n", c))
		}},
		{name: "local time as UTC tolerated and counted", mutate: func(te *testEmu, h http.Header) {
			c := "2026-03-01T16:04:00Z"
			h.Set("X-AKSK", xaksk(axbKey, akskDigest(axbSecret, "n", c), "n", c))
		}, local: 1},
		{name: "nonce of 128 characters with dashes", mutate: func(te *testEmu, h http.Header) {
			n, c := strings.Repeat("a-", 64), nowCreated(te)
			h.Set("X-AKSK", xaksk(axbKey, akskDigest(axbSecret, n, c), n, c))
		}},
		{name: "allow-list match", cfg: func(c *Config) { c.Apps[0].IPWhitelist = []string{"10.1.1.1", "127.0.0.1"} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEmu(t, tc.cfg)
			h := te.authHeaders(axbKey)
			if tc.mutate != nil {
				tc.mutate(te, h)
			}
			te.raw("POST", pathAXB, h, validAXBBody).mustOK(t)
			if got := metricValue(te.e.metrics.localTime); got != tc.local {
				t.Errorf("local-time metric %v, want %v", got, tc.local)
			}
		})
	}
}

// TestAuthOrder checks multi-defect requests: the earliest step of §2.5 wins (D10).
func TestAuthOrder(t *testing.T) {
	cases := []struct {
		name   string
		cfg    func(*Config)
		mutate func(te *testEmu, h http.Header)
		path   string
		body   string
		code   string
	}{
		{name: "realm missing beats X-AKSK missing", mutate: func(_ *testEmu, h http.Header) {
			h.Set("Authorization", `AKSK profile="UsernameToken"`)
			h.Del("X-AKSK")
		}, code: "1023007"},
		{name: "realm missing beats profile wrong", mutate: func(_ *testEmu, h http.Header) {
			h.Set("Authorization", `AKSK profile="x",type="y"`)
		}, code: "1023007"},
		{name: "type missing beats realm wrong", mutate: func(_ *testEmu, h http.Header) {
			h.Set("Authorization", `AKSK realm="x",profile="UsernameToken"`)
		}, code: "1023012"},
		{name: "Username missing beats Created missing", mutate: func(_ *testEmu, h http.Header) {
			h.Set("X-AKSK", `UsernameToken PasswordDigest="d",Nonce="n"`)
		}, code: "1023034"},
		{name: "unknown app beats stale time", mutate: func(_ *testEmu, h http.Header) {
			h.Set("X-AKSK", xaksk("nobody", "d", "n", "2018-02-12T15:30:20Z"))
		}, code: "1010003"},
		{name: "allow-list beats stale time", cfg: func(c *Config) { c.Apps[0].IPWhitelist = []string{"10.0.0.1"} }, mutate: func(_ *testEmu, h http.Header) {
			h.Set("X-AKSK", xaksk(axbKey, "d", "n", "2018-02-12T15:30:20Z"))
		}, code: "1020166"},
		{name: "stale time beats bad digest", mutate: func(_ *testEmu, h http.Header) {
			h.Set("X-AKSK", xaksk(axbKey, "d", "n", "2018-02-12T15:30:20Z"))
		}, code: "1010013"},
		{name: "bad digest beats frozen", cfg: func(c *Config) { c.Apps[0].Frozen = true }, mutate: func(te *testEmu, h http.Header) {
			h.Set("X-AKSK", xaksk(axbKey, "d", "n", nowCreated(te)))
		}, code: "1010010"},
		{name: "frozen beats mode mismatch", cfg: func(c *Config) { c.Apps[0].Frozen = true }, path: pathAXE, code: "1010029"},
		{name: "mode mismatch beats bad body", path: pathAX, body: "{", code: "1010040"},
		{name: "mode mismatch beats flow control", cfg: func(c *Config) { c.Apps[0].QPSLimit = 1 }, path: pathAX, code: "1010040"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEmu(t, tc.cfg)
			h := te.authHeaders(axbKey)
			if tc.mutate != nil {
				tc.mutate(te, h)
			}
			path, body := tc.path, tc.body
			if path == "" {
				path = pathAXB
			}
			if body == "" {
				body = validAXBBody
			}
			if r := te.raw("POST", path, h, body); r.Code != tc.code {
				t.Fatalf("want %s, got %d %s", tc.code, r.Status, r.Body)
			}
		})
	}
}

// TestWorkedExample uses the credentials, nonce and time of reference §2.3 with the wall clock
// set to the example's Created.
func TestWorkedExample(t *testing.T) {
	te := newTestEmu(t, func(c *Config) {
		c.Apps = append(c.Apps, AppConfig{AppKey: "pnsDemoAppKey0001", AppSecret: "pnsDemoAppSecret0001", Mode: "AXB"})
	})
	te.wall.Store(time.Date(2018, 2, 12, 15, 30, 20, 0, time.UTC).Unix())
	const nonce, created = "66C92B11FF8A425FB8D4CCFE0ED9ED1F", "2018-02-12T15:30:20Z"
	if got := akskDigest("pnsDemoAppSecret0001", nonce, created); got != "edoPv9NeDOQEyccAt9HCo29kOyU0bLmIdLylp9OjFNk=" {
		t.Fatalf("test digest %s", got)
	}
	if got := wsseDigest("pnsDemoAppSecret0001", nonce, created); got != "1VveoXaFc2qWs6HuUjAM2WJAK6zk76kQj4YnDO9dC0E=" {
		t.Fatalf("test WSSE digest %s", got)
	}
	send := func(scheme, digest string) result {
		h := http.Header{}
		h.Set("Content-Type", "application/json;charset=UTF-8")
		h.Set("Authorization", scheme+` realm="SDP",profile="UsernameToken",type="Appkey"`)
		hdr := "X-AKSK"
		if scheme == "WSSE" {
			hdr = "X-WSSE"
		}
		h.Set(hdr, xaksk("pnsDemoAppKey0001", digest, nonce, created))
		// An empty JSON object passes authentication and fails validation on callerNum: proof
		// that the digest was accepted.
		return te.raw("POST", pathAXB, h, `{}`)
	}
	send("AKSK", "edoPv9NeDOQEyccAt9HCo29kOyU0bLmIdLylp9OjFNk=").expect(t, 403, "1010002", "Invalid request. callerNum")
	send("WSSE", "1VveoXaFc2qWs6HuUjAM2WJAK6zk76kQj4YnDO9dC0E=").expect(t, 403, "1010002", "Invalid request. callerNum")
	for _, bad := range []string{
		"USDOhlsuIvICV9DD6a+XGoEYZSN9q8Dc1N2FMqza57M=",
		"7boj1oLprqmuAriO7VPOPahKj/Swl7vgN+rEdiEMqZQ=",
		"NzlkYTBmYmZkMzVlMGNlNDA0YzljNzAwYjdkMWMyYTM2ZjY0M2IyNTM0NmNiOTg4NzRiY2E1YTdkM2EzMTRkOQ==",
	} {
		send("AKSK", bad).expect(t, 401, "1010010", "Invalid digest.")
	}
	// The same request a day later is stale.
	te.wall.Add(86400)
	send("AKSK", "edoPv9NeDOQEyccAt9HCo29kOyU0bLmIdLylp9OjFNk=").expect(t, 401, "1010013", "Time out limit.")
}

func TestLockout(t *testing.T) {
	te := newTestEmu(t, nil)
	bad := func() result {
		h := te.authHeaders(axbKey)
		h.Del("Authorization")
		return te.raw("POST", pathAXB, h, validAXBBody)
	}
	for i := 0; i < 9; i++ {
		bad().expect(t, 400, "1023006", "")
	}
	// Failures slide out of the 60 s window on the emulator clock.
	te.e.Clock().Advance(61 * time.Second)
	bad().expect(t, 400, "1023006", "")
	te.call(axbKey, "POST", pathAXB, validAXBBody).mustOK(t)
	for i := 0; i < 8; i++ {
		bad().expect(t, 400, "1023006", "")
	}
	// 10th failure inside the window: still answered with its own code, then the lock.
	bad().expect(t, 400, "1023006", "")
	r := te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100003","calleeNum":"+8613800100004"}`)
	r.expect(t, 403, "1020176", "Authentication failed, try again later")
	if got := metricValue(te.e.metrics.lockouts); got != 1 {
		t.Errorf("lockouts metric %v", got)
	}
	// Refused requests do not extend the lock: keep hammering, then 1800 s after the lock it ends.
	te.e.Clock().Advance(1799 * time.Second)
	for i := 0; i < 20; i++ {
		bad().expect(t, 403, "1020176", "")
	}
	te.e.Clock().Advance(time.Second)
	te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100003","calleeNum":"+8613800100004"}`).mustOK(t)
}

func TestLockoutSwitches(t *testing.T) {
	te := newTestEmu(t, func(c *Config) { c.LockoutEnabled = boolPtr(false) })
	bad := func() result {
		h := te.authHeaders(axbKey)
		h.Set("X-AKSK", xaksk(axbKey, "d", "n", nowCreated(te)))
		return te.raw("GET", pathAXB+"?subscriptionId=x", h, "")
	}
	for i := 0; i < 15; i++ {
		bad().expect(t, 401, "1010010", "")
	}
	te.call(axbKey, "POST", pathAXB, validAXBBody).mustOK(t)
	// Admin toggle on: the lockout counts from zero.
	if r := te.raw("POST", "/emulator/v1/lockout", nil, `{"enabled":true}`); r.Status != 200 {
		t.Fatalf("toggle: %d %s", r.Status, r.Body)
	}
	for i := 0; i < 10; i++ {
		bad().expect(t, 401, "1010010", "")
	}
	bad().expect(t, 403, "1020176", "")
	r := te.raw("GET", "/emulator/v1/lockout", nil, "")
	if !strings.Contains(string(r.Body), `"127.0.0.1"`) {
		t.Fatalf("lockout state %s", r.Body)
	}
	// DELETE clears locks; reset does too.
	te.raw("DELETE", "/emulator/v1/lockout", nil, "")
	te.call(axbKey, "GET", pathAXB+"?subscriptionId=x", "").expect(t, 403, "1012007", "")
	// Non-auth failures (validation, flow control, allow-list) never count.
	for i := 0; i < 12; i++ {
		te.call(axbKey, "POST", pathAXB, `{}`).expect(t, 403, "1010002", "")
	}
	te.call(axbKey, "POST", pathAXB, `{"callerNum":"+8613800100005","calleeNum":"+8613800100006"}`).mustOK(t)
}

func TestNonceReplay(t *testing.T) {
	for _, on := range []bool{false, true} {
		t.Run(fmt.Sprint(on), func(t *testing.T) {
			te := newTestEmu(t, func(c *Config) { c.RejectNonceReplay = on })
			h := te.authHeaders(axbKey)
			te.raw("GET", pathAXB+"?subscriptionId=x", h, "").expect(t, 403, "1012007", "")
			r := te.raw("GET", pathAXB+"?subscriptionId=x", h, "")
			if on {
				r.expect(t, 401, "1010010", "Invalid digest.")
				// After Created + window the nonce could not pass the skew check anyway; a
				// fresh Created with the same nonce is a different digest and is accepted.
				te.wall.Add(301)
				c := nowCreated(te)
				nonce := strings.Split(strings.Split(h.Get("X-AKSK"), `Nonce="`)[1], `"`)[0]
				h.Set("X-AKSK", xaksk(axbKey, akskDigest(axbSecret, nonce, c), nonce, c))
				te.raw("GET", pathAXB+"?subscriptionId=x", h, "").expect(t, 403, "1012007", "")
			} else {
				r.expect(t, 403, "1012007", "")
			}
		})
	}
}

func TestFlowControl(t *testing.T) {
	te := newTestEmu(t, func(c *Config) { c.Apps[0].QPSLimit = 2 })
	te.call(axbKey, "GET", pathAXB+"?subscriptionId=x", "").expect(t, 403, "1012007", "")
	te.call(axbKey, "GET", pathAXB+"?subscriptionId=x", "").expect(t, 403, "1012007", "")
	te.call(axbKey, "GET", pathAXB+"?subscriptionId=x", "").expect(t, 401, "1010010", pns.DescFlowControl)
	// Flow control is not an authentication failure.
	if got := metricValue(te.e.metrics.authFailures.WithLabelValues("1010010")); got != 0 {
		t.Errorf("auth failure metric %v", got)
	}
	te.wall.Add(1)
	te.call(axbKey, "GET", pathAXB+"?subscriptionId=x", "").expect(t, 403, "1012007", "")
}

// TestFlowControlTokenBucket: a bucket of 2 refilled at 0.5/s lets two requests through, refuses
// the third with the flow-control description, and gives one token back after 2 s of wall clock.
func TestFlowControlTokenBucket(t *testing.T) {
	te := newTestEmu(t, func(c *Config) { c.Apps[0].FlowControl = &FlowControl{Rate: 0.5, Burst: 2} })
	get := func() result { return te.call(axbKey, "GET", pathAXB+"?subscriptionId=x", "") }
	get().expect(t, 403, "1012007", "")
	get().expect(t, 403, "1012007", "")
	get().expect(t, 401, "1010010", pns.DescFlowControl)
	te.wall.Add(2)
	get().expect(t, 403, "1012007", "")
	get().expect(t, 401, "1010010", pns.DescFlowControl)
	te.e.Reset() // a full bucket again
	get().expect(t, 403, "1012007", "")
	get().expect(t, 403, "1012007", "")
	// Other apps have no limit.
	for range 5 {
		te.call(axeKey, "GET", pathAXE+"?subscriptionId=x", "").expect(t, 403, "1012007", "")
	}
}

func TestModeMismatchAndRecording(t *testing.T) {
	te := newTestEmu(t, nil)
	for _, tc := range []struct{ app, method, path string }{
		{axKey, "POST", pathAXB}, {axeKey, "GET", pathAXB + "?subscriptionId=x"},
		{axbKey, "DELETE", pathAX + "?subscriptionId=x"}, {axbKey, "PUT", pathCallee},
		{axKey, "PUT", pathAXE}, {axbKey, "GET", pathAXE + "?subscriptionId=x"},
	} {
		te.call(tc.app, tc.method, tc.path, `{}`).expect(t, 403, "1010040", "The app_key is not allowed to invoke the API.")
	}
	// Recording download is allowed for every mode, frozen or not (§11, D27).
	for _, app := range []string{axbKey, axKey, axeKey} {
		te.call(app, "GET", pathRecord+"?fileName=f.wav&recordDomain=d", "").expect(t, 404, "1012007", "The record does not exist.")
	}
	te.e.SetRecordingResolver(func(app, file, domain string) (string, bool) {
		return "http://127.0.0.1/rec/" + app + "/" + file, app == axKey && domain == "d"
	})
	r := te.call(axKey, "GET", pathRecord+"?fileName=f.wav&recordDomain=d", "")
	if r.Status != 301 || r.Header.Get("Location") != "http://127.0.0.1/rec/demo-ax/f.wav" || len(r.Body) != 0 {
		t.Fatalf("redirect: %d %v %s", r.Status, r.Header, r.Body)
	}
	te.call(axKey, "GET", pathRecord+"?fileName=f.wav&recordDomain=other", "").expect(t, 404, "1012007", "")
	te.call(axKey, "GET", pathRecord+"?recordDomain=d", "").expect(t, 403, "1010002", "Invalid request. fileName")
	te.call(axKey, "GET", pathRecord+"?fileName=f.wav&recordDomain=", "").expect(t, 403, "1010002", "Invalid request. recordDomain")
}

func TestRecordingFrozen(t *testing.T) {
	te := newTestEmu(t, func(c *Config) { c.Apps[1].Frozen = true })
	te.call(axKey, "GET", pathRecord+"?fileName=f&recordDomain=d", "").expect(t, 404, "1012007", "")
	te.call(axKey, "GET", pathAX+"?subscriptionId=x", "").expect(t, 403, "1010029", "")
}

// TestPeerIP covers the address forms of RemoteAddr.
func TestPeerIP(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:5000": "127.0.0.1", "[::1]:80": "::1", "[::ffff:10.0.0.1]:1": "10.0.0.1", "garbage": "invalid IP",
	} {
		if got := peerIP(in).String(); got != want {
			t.Errorf("peerIP(%q) = %s, want %s", in, got, want)
		}
	}
}
