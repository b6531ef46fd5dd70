package emulator

import (
	"strings"
	"testing"
)

// fieldCase is one request with its expected answer: field "" means the request passes
// validation and the store answers code.
type fieldCase struct {
	name  string
	body  string // JSON body (POST/PUT) or query string (GET/DELETE)
	field string
	code  string // when field == "": the expected non-1010002 code ("0" = success)
}

func runFieldCases(t *testing.T, cfg func(*Config), app, method, path string, cases []fieldCase) {
	t.Helper()
	te := newTestEmu(t, cfg)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r result
			if method == "GET" || method == "DELETE" {
				r = te.call(app, method, path+"?"+tc.body, "")
			} else {
				r = te.call(app, method, path, tc.body)
			}
			if tc.field != "" {
				r.expect(t, 403, "1010002", "Invalid request. "+tc.field)
				return
			}
			if r.Code != tc.code {
				t.Fatalf("want %s, got %d %s", tc.code, r.Status, r.Body)
			}
		})
	}
}

const (
	a1 = `"callerNum":"+8613800100001"`
	b1 = `"calleeNum":"+8613800100002"`
)

func TestAXBBindFields(t *testing.T) {
	ab := a1 + "," + b1 + ","
	cases := []fieldCase{
		{"empty object", `{}`, "callerNum", ""},
		{"callerNum missing", `{` + b1 + `}`, "callerNum", ""},
		{"callerNum null is absent", `{"callerNum":null,` + b1 + `}`, "callerNum", ""},
		{"callerNum empty", `{"callerNum":"",` + b1 + `}`, "callerNum", ""},
		{"callerNum number", `{"callerNum":8613800100001,` + b1 + `}`, "callerNum", ""},
		{"callerNum without plus", `{"callerNum":"8613800100001",` + b1 + `}`, "callerNum", ""},
		{"callerNum with space", `{"callerNum":" +8613800100001",` + b1 + `}`, "callerNum", ""},
		{"callerNum dash", `{"callerNum":"+86-13800100001",` + b1 + `}`, "callerNum", ""},
		{"callerNum 12 digits", `{"callerNum":"+86138001000011",` + b1 + `}`, "callerNum", ""},
		{"callerNum 400", `{"callerNum":"+864001234567",` + b1 + `}`, "callerNum", ""},
		{"callerNum 95", `{"callerNum":"+8695588",` + b1 + `}`, "callerNum", ""},
		{"callerNum too long", `{"callerNum":"+12345678901234567890123456789012",` + b1 + `}`, "callerNum", ""},
		{"calleeNum missing", `{` + a1 + `}`, "calleeNum", ""},
		{"both missing names callerNum first", `{"calleeNum":1}`, "callerNum", ""},
		{"calleeNum letters", `{` + a1 + `,"calleeNum":"+86138abc00002"}`, "calleeNum", ""},
		{"A equals B", `{` + a1 + `,"calleeNum":"+8613800100001"}`, "calleeNum", ""},
		{"relationNum fixed line", `{` + ab + `"relationNum":"+8675528123401"}`, "relationNum", ""},
		{"relationNum short", `{` + ab + `"relationNum":"+86"}`, "relationNum", ""},
		{"relationNum empty", `{` + ab + `"relationNum":""}`, "relationNum", ""},
		{"areaCode no zero", `{` + ab + `"areaCode":"755"}`, "areaCode", ""},
		{"areaCode number", `{` + ab + `"areaCode":755}`, "areaCode", ""},
		{"areaMatchMode 2", `{` + ab + `"areaMatchMode":"2"}`, "areaMatchMode", ""},
		{"areaMatchMode integer", `{` + ab + `"areaMatchMode":1}`, "areaMatchMode", ""},
		{"callDirection string", `{` + ab + `"callDirection":"0"}`, "callDirection", ""},
		{"callDirection 3", `{` + ab + `"callDirection":3}`, "callDirection", ""},
		{"callDirection float", `{` + ab + `"callDirection":1.0}`, "callDirection", ""},
		{"duration negative", `{` + ab + `"duration":-1}`, "duration", ""},
		{"duration too big", `{` + ab + `"duration":7776001}`, "duration", ""},
		{"duration exponent", `{` + ab + `"duration":1e3}`, "duration", ""},
		{"duration string", `{` + ab + `"duration":"60"}`, "duration", ""},
		{"recordFlag yes", `{` + ab + `"recordFlag":"yes"}`, "recordFlag", ""},
		{"recordFlag TRUE", `{` + ab + `"recordFlag":"TRUE"}`, "recordFlag", ""},
		{"recordFlag 1", `{` + ab + `"recordFlag":1}`, "recordFlag", ""},
		{"recordHintTone empty", `{` + ab + `"recordFlag":true,"recordHintTone":""}`, "recordHintTone", ""},
		{"recordHintTone too long", `{` + ab + `"recordHintTone":"` + strings.Repeat("t", 129) + `"}`, "recordHintTone", ""},
		{"maxDuration 1441", `{` + ab + `"maxDuration":1441}`, "maxDuration", ""},
		{"lastMinVoice too long", `{` + ab + `"lastMinVoice":"` + strings.Repeat("t", 129) + `"}`, "lastMinVoice", ""},
		{"privateSms string no", `{` + ab + `"privateSms":"no"}`, "privateSms", ""},
		{"preVoice array", `{` + ab + `"preVoice":["a.wav"]}`, "preVoice", ""},
		{"preVoice string", `{` + ab + `"preVoice":"a.wav"}`, "preVoice", ""},
		{"callerHintTone number", `{` + ab + `"preVoice":{"callerHintTone":1}}`, "callerHintTone", ""},
		{"calleeHintTone too long", `{` + ab + `"preVoice":{"calleeHintTone":"` + strings.Repeat("t", 129) + `"}}`, "calleeHintTone", ""},
		{"userData braces", `{` + ab + `"userData":"{x}"}`, "userData", ""},
		{"userData chinese", `{` + ab + `"userData":"订单"}`, "userData", ""},
		{"userData empty", `{` + ab + `"userData":""}`, "userData", ""},
		{"userData 257", `{` + ab + `"userData":"` + strings.Repeat("u", 257) + `"}`, "userData", ""},
		{"userData newline", `{` + ab + `"userData":"a\nb"}`, "userData", ""},
		{"table order: callDirection before duration", `{` + ab + `"duration":-1,"callDirection":9}`, "callDirection", ""},
		{"field error before A=B", `{` + a1 + `,"calleeNum":"+8613800100001","duration":-1}`, "duration", ""},
		// Accepted forms (success, "0").
		{"booleans as JSON booleans", `{` + ab + `"recordFlag":false,"privateSms":true}`, "", "0"},
		{"nulls are absent", `{"callerNum":"+8613800100011","calleeNum":"+8613800100012","relationNum":null,"duration":null,"preVoice":null,"userData":null}`, "", "0"},
		{"empty optional strings are absent", `{"callerNum":"+8613800100021","calleeNum":"+8613800100022","areaCode":"","lastMinVoice":"","preVoice":{"callerHintTone":""}}`, "", "0"},
		{"unknown fields ignored", `{"callerNum":"+8613800100031","calleeNum":"+8613800100032","foo":{"bar":[1,2]},"app_key":"x"}`, "", "0"},
		{"fixed-line and foreign numbers", `{"callerNum":"+8675528123401","calleeNum":"+14155550100"}`, "", "0"},
		{"full official sample values", `{"callerNum":"+8613800100041","calleeNum":"+8613800100042","areaCode":"0755","callDirection":0,"duration":86400,"recordFlag":"false","recordHintTone":"recordHintTone.wav","maxDuration":60,"lastMinVoice":"lastMinVoice.wav","privateSms":"true","preVoice":{"callerHintTone":"callerHintTone.wav","calleeHintTone":"calleeHintTone.wav"},"userData":"order-4711"}`, "", "0"},
		{"recordFlag true without recording option", `{"callerNum":"+8613800100051","calleeNum":"+8613800100052","recordFlag":"true"}`, "", "1012012"},
		{"relationNum of another app", `{"callerNum":"+8613800100061","calleeNum":"+8613800100062","relationNum":"+8617002100000"}`, "", "1012001"},
	}
	runFieldCases(t, func(c *Config) { c.Apps[0].Recording = boolPtr(false) }, axbKey, "POST", pathAXB, cases)
}

func TestToneFiles(t *testing.T) {
	ab := a1 + "," + b1 + ","
	cases := []fieldCase{
		{"recordHintTone unknown with recording", `{` + ab + `"recordFlag":"true","recordHintTone":"x.wav"}`, "recordHintTone", ""},
		{"lastMinVoice unknown", `{` + ab + `"lastMinVoice":"x.wav"}`, "lastMinVoice", ""},
		{"callerHintTone unknown", `{` + ab + `"preVoice":{"callerHintTone":"x.wav"}}`, "callerHintTone", ""},
		{"calleeHintTone unknown", `{` + ab + `"preVoice":{"callerHintTone":"ok.wav","calleeHintTone":"x.wav"}}`, "calleeHintTone", ""},
		{"recordHintTone ignored without recordFlag", `{` + ab + `"recordHintTone":"x.wav","lastMinVoice":"ok.wav","preVoice":{"callerHintTone":"ok.wav"}}`, "", "0"},
	}
	runFieldCases(t, func(c *Config) { c.Apps[0].ToneFiles = []string{"ok.wav"} }, axbKey, "POST", pathAXB, cases)
}

func TestAXBUnbindModifyQueryFields(t *testing.T) {
	t.Run("unbind", func(t *testing.T) {
		runFieldCases(t, nil, axbKey, "DELETE", pathAXB, []fieldCase{
			{"none", ``, "subscriptionId", ""},
			{"unknown only", `foo=1`, "subscriptionId", ""},
			{"empty subscriptionId", `subscriptionId=`, "subscriptionId", ""},
			{"subscriptionId too long", `subscriptionId=` + strings.Repeat("a", 65), "subscriptionId", ""},
			{"unescaped plus", `relationNum=+8617001100000`, "relationNum", ""},
			{"bad escape", `relationNum=%zz`, "relationNum", ""},
			{"bad escape in unknown parameter ignored", `subscriptionId=x&foo=%zz&=%1`, "", "1012007"},
			{"relationNum fixed line", `relationNum=%2B8675528123401`, "relationNum", ""},
			{"subscriptionId wins over malformed relationNum", `subscriptionId=abc&relationNum=bad`, "", "1012007"},
			{"owned X without bindings", `relationNum=%2B8617001100000`, "", "1012007"},
			{"X of another app", `relationNum=%2B8617002100000`, "", "1012001"},
			{"body ignored on DELETE", `x=1`, "subscriptionId", ""},
		})
	})
	t.Run("modify", func(t *testing.T) {
		runFieldCases(t, nil, axbKey, "PUT", pathAXB, []fieldCase{
			{"subscriptionId missing", `{"calleeNum":"+8613800100002"}`, "subscriptionId", ""},
			{"subscriptionId number", `{"subscriptionId":1}`, "subscriptionId", ""},
			{"subscriptionId empty", `{"subscriptionId":""}`, "subscriptionId", ""},
			{"callerNum bad", `{"subscriptionId":"s","callerNum":"+86"}`, "callerNum", ""},
			{"calleeNum bad", `{"subscriptionId":"s","calleeNum":"x"}`, "calleeNum", ""},
			{"A=B in request", `{"subscriptionId":"s","callerNum":"+8613800100001","calleeNum":"+8613800100001"}`, "calleeNum", ""},
			{"callDirection string", `{"subscriptionId":"s","callDirection":"1"}`, "callDirection", ""},
			{"duration too big", `{"subscriptionId":"s","duration":7776001}`, "duration", ""},
			{"maxDuration negative", `{"subscriptionId":"s","maxDuration":-1}`, "maxDuration", ""},
			{"privateSms bad", `{"subscriptionId":"s","privateSms":"1"}`, "privateSms", ""},
			{"recordFlag bad", `{"subscriptionId":"s","recordFlag":null,"privateSms":"false","preVoice":[]}`, "preVoice", ""},
			{"userData bad", `{"subscriptionId":"s","userData":"}"}`, "userData", ""},
			{"recordHintTone empty", `{"subscriptionId":"s","recordHintTone":""}`, "recordHintTone", ""},
			{"relationNum ignored", `{"subscriptionId":"s","relationNum":"garbage"}`, "", "1012007"},
			{"valid unknown binding", `{"subscriptionId":"s","calleeNum":"+8613800100002","recordFlag":true}`, "", "1012007"},
		})
	})
	t.Run("query", func(t *testing.T) {
		runFieldCases(t, nil, axbKey, "GET", pathAXB, []fieldCase{
			{"none", ``, "subscriptionId", ""},
			{"callerNum without relationNum", `callerNum=%2B8613800100001`, "relationNum", ""},
			{"calleeNum without relationNum", `calleeNum=%2B8613800100001`, "relationNum", ""},
			{"relationNum unescaped", `relationNum=+8617001100000`, "relationNum", ""},
			{"callerNum malformed", `relationNum=%2B8617001100000&callerNum=123`, "callerNum", ""},
			{"calleeNum malformed", `relationNum=%2B8617001100000&calleeNum=%2B86400123456`, "calleeNum", ""},
			{"page parameters never fail", `relationNum=%2B8617001100000&pageIndex=abc&pageSize=5000`, "", "1012007"},
			{"subscriptionId wins", `subscriptionId=abc&callerNum=bad`, "", "1012007"},
		})
	})
}

func TestAXFields(t *testing.T) {
	t.Run("bind", func(t *testing.T) {
		o := `"origNum":"+8613800200001"`
		runFieldCases(t, nil, axKey, "POST", pathAX, []fieldCase{
			{"origNum missing", `{}`, "origNum", ""},
			{"origNum bad", `{"origNum":"13800200001"}`, "origNum", ""},
			{"origNum 95", `{"origNum":"+8695588"}`, "origNum", ""},
			{"privateNum fixed", `{` + o + `,"privateNum":"+8675528123401"}`, "privateNum", ""},
			{"privateNumType other", `{` + o + `,"privateNumType":"fixed"}`, "privateNumType", ""},
			{"areaCode bad", `{` + o + `,"areaCode":"abc"}`, "areaCode", ""},
			{"areaMatchMode bad", `{` + o + `,"areaMatchMode":"x"}`, "areaMatchMode", ""},
			{"recordFlag bad", `{` + o + `,"recordFlag":"1"}`, "recordFlag", ""},
			{"calleeNumDisplay int", `{` + o + `,"calleeNumDisplay":0}`, "calleeNumDisplay", ""},
			{"calleeNumDisplay 2", `{` + o + `,"calleeNumDisplay":"2"}`, "calleeNumDisplay", ""},
			{"privateSms bad", `{` + o + `,"privateSms":"t"}`, "privateSms", ""},
			{"preVoice array (old Java demo)", `{` + o + `,"preVoice":[{"callerHintTone":"a"}]}`, "preVoice", ""},
			{"maxDuration string", `{` + o + `,"maxDuration":"60"}`, "maxDuration", ""},
			{"lastMinVoice number", `{` + o + `,"lastMinVoice":5}`, "lastMinVoice", ""},
			{"userData braces", `{` + o + `,"userData":"a{"}`, "userData", ""},
			{"turnFlag ON", `{` + o + `,"turnFlag":"ON"}`, "turnFlag", ""},
			{"callDirection 5", `{` + o + `,"callDirection":5}`, "callDirection", ""},
			{"valid with Java booleans", `{` + o + `,"privateNumType":"mobile-virtual","recordFlag":true,"privateSms":false,"calleeNumDisplay":"1","turnFlag":"off","callDirection":2}`, "", "0"},
			{"privateNum of another app", `{"origNum":"+8613800200002","privateNum":"+8617001100000"}`, "", "1011004"},
		})
	})
	t.Run("unbind", func(t *testing.T) {
		runFieldCases(t, nil, axKey, "DELETE", pathAX, []fieldCase{
			{"none", ``, "subscriptionId", ""},
			{"origNum alone", `origNum=%2B8613800200001`, "privateNum", ""},
			{"privateNum bad", `privateNum=%2B861`, "privateNum", ""},
			{"origNum bad with privateNum", `origNum=1&privateNum=%2B8617002100000`, "origNum", ""},
			{"privateNum alone free X", `privateNum=%2B8617002100000`, "", "1016001"},
			{"privateNum not owned", `privateNum=%2B8617001100000`, "", "1011004"},
			{"subscriptionId unknown", `subscriptionId=x&origNum=bad`, "", "1016001"},
		})
	})
	t.Run("modify", func(t *testing.T) {
		runFieldCases(t, nil, axKey, "PUT", pathAX, []fieldCase{
			{"no key", `{"origNum":"+8613800200001"}`, "privateNum", ""},
			{"empty subscriptionId is absent", `{"subscriptionId":""}`, "privateNum", ""},
			{"subscriptionId number", `{"subscriptionId":5}`, "subscriptionId", ""},
			{"origNum bad", `{"subscriptionId":"s","origNum":"x"}`, "origNum", ""},
			{"turnFlag bad", `{"subscriptionId":"s","turnFlag":"maybe"}`, "turnFlag", ""},
			{"calleeNumDisplay bad", `{"subscriptionId":"s","calleeNumDisplay":"3"}`, "calleeNumDisplay", ""},
			{"preVoice bad", `{"subscriptionId":"s","preVoice":true}`, "preVoice", ""},
			{"valid unknown binding", `{"subscriptionId":"s","turnFlag":"off","maxDuration":5}`, "", "1016001"},
			{"valid by privateNum", `{"privateNum":"+8617002100000","callDirection":1}`, "", "1016001"},
		})
	})
	t.Run("query", func(t *testing.T) {
		runFieldCases(t, nil, axKey, "GET", pathAX, []fieldCase{
			{"none", ``, "subscriptionId", ""},
			{"origNum bad", `origNum=+8613800200001`, "origNum", ""},
			{"privateNum bad", `privateNum=abc`, "privateNum", ""},
			{"origNum wins over bad privateNum", `origNum=%2B8613800200001&privateNum=abc`, "", "1016001"},
		})
	})
	t.Run("callee", func(t *testing.T) {
		c := `"calleeNum":"+8613800200009"`
		runFieldCases(t, nil, axKey, "PUT", pathCallee, []fieldCase{
			{"no key", `{` + c + `}`, "privateNum", ""},
			{"privateNum bad", `{"privateNum":"+86",` + c + `}`, "privateNum", ""},
			{"calleeNum missing", `{"subscriptionId":"s"}`, "calleeNum", ""},
			{"calleeNum bad", `{"subscriptionId":"s","calleeNum":"95588"}`, "calleeNum", ""},
			{"duration 0", `{"subscriptionId":"s",` + c + `,"duration":0}`, "duration", ""},
			{"duration too long", `{"subscriptionId":"s",` + c + `,"duration":259201}`, "duration", ""},
			{"userData bad", `{"subscriptionId":"s",` + c + `,"userData":"中"}`, "userData", ""},
			{"origNum never parsed", `{"subscriptionId":"s",` + c + `,"origNum":12}`, "", "1016001"},
			{"95 and 400 callees accepted", `{"privateNum":"+8617002100000","calleeNum":"+8695588"}`, "", "1016001"},
			{"400 callee accepted", `{"privateNum":"+8617002100000","calleeNum":"+864001234567"}`, "", "1016001"},
		})
	})
}

func TestAXEFields(t *testing.T) {
	a := `"bindNum":"+8613800300001"`
	t.Run("bind", func(t *testing.T) {
		runFieldCases(t, nil, axeKey, "POST", pathAXE, []fieldCase{
			{"bindNum missing", `{}`, "bindNum", ""},
			{"virtualNum bad", `{"virtualNum":"123",` + a + `}`, "virtualNum", ""},
			{"areaCode bad", `{"areaCode":"0",` + a + `}`, "areaCode", ""},
			{"bindNum bad", `{"bindNum":"+86400123"}`, "bindNum", ""},
			{"extendNum 3 digits", `{` + a + `,"extendNum":"123"}`, "extendNum", ""},
			{"extendNum letters", `{` + a + `,"extendNum":"12a4"}`, "extendNum", ""},
			{"extendNum number", `{` + a + `,"extendNum":1234}`, "extendNum", ""},
			{"extendNum 5 digits", `{` + a + `,"extendNum":"12345"}`, "extendNum", ""},
			{"displayNumMode bad", `{` + a + `,"displayNumMode":"2"}`, "displayNumMode", ""},
			{"recordFlag bad", `{` + a + `,"recordFlag":"False"}`, "recordFlag", ""},
			{"callbackTone empty", `{` + a + `,"callbackTone":""}`, "callbackTone", ""},
			{"callbackNum bad", `{` + a + `,"callbackNum":"x"}`, "callbackNum", ""},
			{"timeUnit bad", `{` + a + `,"timeUnit":"2"}`, "timeUnit", ""},
			{"bindExpiredTime over 2160 h", `{` + a + `,"bindExpiredTime":2161}`, "bindExpiredTime", ""},
			{"bindExpiredTime string", `{` + a + `,"bindExpiredTime":"24"}`, "bindExpiredTime", ""},
			{"callbackExpiredTime over minutes max", `{` + a + `,"timeUnit":"1","callbackExpiredTime":129601}`, "callbackExpiredTime", ""},
			{"userData bad", `{` + a + `,"userData":"{"}`, "userData", ""},
			{"callbackTone and callbackNum", `{` + a + `,"callbackTone":"t.wav","callbackNum":"+8613800300009"}`, "callbackNum", ""},
			{"ignored AXE fields", `{` + a + `,"maxDuration":"x","lastMinVoice":5,"privateSms":"maybe"}`, "", "0"},
			{"minutes allow 129600", `{"bindNum":"+8613800300002","timeUnit":"1","bindExpiredTime":129600}`, "", "0"},
			{"empty extendNum allocates", `{"bindNum":"+8613800300003","extendNum":"","virtualNum":""}`, "", "0"},
			{"virtualNum of another app", `{"bindNum":"+8613800300004","virtualNum":"+8617001100000"}`, "", "1012001"},
		})
	})
	for _, method := range []string{"DELETE", "GET"} {
		t.Run(method, func(t *testing.T) {
			runFieldCases(t, nil, axeKey, method, pathAXE, []fieldCase{
				{"none", ``, "subscriptionId", ""},
				{"virtualNum alone", `virtualNum=%2B8617003100000`, "extendNum", ""},
				{"extendNum alone", `extendNum=0001`, "virtualNum", ""},
				{"virtualNum bad", `virtualNum=%2B86&extendNum=0001`, "virtualNum", ""},
				{"extendNum bad", `virtualNum=%2B8617003100000&extendNum=01`, "extendNum", ""},
				{"empty subscriptionId is absent", `subscriptionId=&virtualNum=%2B8617003100000`, "extendNum", ""},
				{"subscriptionId wins", `subscriptionId=x&virtualNum=bad`, "", "1012007"},
				{"pair unknown", `virtualNum=%2B8617003100000&extendNum=0001`, "", "1012007"},
			})
		})
	}
	t.Run("modify", func(t *testing.T) {
		runFieldCases(t, nil, axeKey, "PUT", pathAXE, []fieldCase{
			{"no key", `{}`, "subscriptionId", ""},
			{"virtualNum alone", `{"virtualNum":"+8617003100000"}`, "extendNum", ""},
			{"displayNumMode bad", `{"subscriptionId":"s","displayNumMode":1}`, "displayNumMode", ""},
			{"callbackTone and callbackNum", `{"subscriptionId":"s","callbackTone":"t","callbackNum":"+8613800300009"}`, "callbackNum", ""},
			{"callbackExpiredTime hours bound", `{"subscriptionId":"s","timeUnit":"0","callbackExpiredTime":2161}`, "callbackExpiredTime", ""},
			{"bindExpiredTime negative", `{"subscriptionId":"s","bindExpiredTime":-1}`, "bindExpiredTime", ""},
			{"valid unknown binding", `{"subscriptionId":"s","timeUnit":"1","bindExpiredTime":60,"callbackNum":"+8613800300009"}`, "", "1012007"},
		})
	})
}

func TestExtensionDigits(t *testing.T) {
	runFieldCases(t, func(c *Config) { c.Apps[2].ExtensionDigits = 2 }, axeKey, "POST", pathAXE, []fieldCase{
		{"4 digits on a 2-digit app", `{"bindNum":"+8613800300001","extendNum":"0001"}`, "extendNum", ""},
		{"2 digits", `{"bindNum":"+8613800300001","extendNum":"07"}`, "", "0"},
	})
}

func TestParseQuery(t *testing.T) {
	q, bad := parseQuery("a=1&a=2&b=%2B86&c=x+y&&d&%zz=1&=5&e=%2")
	if len(bad) != 1 || !bad["e"] {
		t.Fatalf("bad %v", bad)
	}
	delete(q, "e")
	want := map[string]string{"a": "1", "b": "+86", "c": "x y", "d": ""}
	if len(q) != len(want) {
		t.Fatalf("got %v", q)
	}
	for k, v := range want {
		if q[k] != v {
			t.Errorf("%s = %q, want %q", k, q[k], v)
		}
	}
	r := newQueryReader("relationNum=%2&foo=%zz")
	if r.str("foo", 0, 5); r.err == nil || r.err.Desc != "Invalid request. foo" {
		t.Errorf("bad escape: %v", r.err)
	}
}
