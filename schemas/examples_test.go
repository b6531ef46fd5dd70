package schemas

import (
	"strings"
	"testing"
)

// validExamples are payloads that must validate clean. Those marked "official" are the
// reference's examples (§3-§11) with every "****" mask replaced by digits (or, for opaque IDs
// and account names, by a plausible value).
var validExamples = []struct {
	name, schema, body string
}{
	// §3.2 AXB bind.
	{"official AXB bind request", "axb-bind.request",
		`{"callerNum":"+8613800000021","relationNum":"+8613800006666","calleeNum":"+8613800000023",
		 "callDirection":0,"duration":0,
		 "preVoice":{"callerHintTone":"callerHintTone.wav","calleeHintTone":"calleeHintTone.wav"},
		 "maxDuration":0}`},
	{"official sample optional values", "axb-bind.request",
		`{"callerNum":"+8613800000021","calleeNum":"+8613800000023","areaCode":"0755","callDirection":0,
		 "duration":86400,"recordFlag":"false","recordHintTone":"recordHintTone.wav","maxDuration":60,
		 "lastMinVoice":"lastMinVoice.wav","privateSms":"true"}`},
	{"AXB bind with JSON booleans (D23) and fixed-line B", "axb-bind.request",
		`{"callerNum":"+8613800000021","calleeNum":"+8675528123401","recordFlag":true,"privateSms":false,
		 "areaMatchMode":"1","callDirection":2,"duration":7776000,"maxDuration":1440,"userData":"order-4711 ok|~"}`},
	{"AXB bind with explicit nulls (D21) and unknown fields", "axb-bind.request",
		`{"callerNum":"+8613800000021","calleeNum":"+4915112345678","relationNum":null,"areaCode":null,
		 "areaMatchMode":null,"callDirection":null,"duration":null,"recordFlag":null,"recordHintTone":null,
		 "maxDuration":null,"lastMinVoice":null,"privateSms":null,"preVoice":null,"userData":null,"foo":{"bar":[1]}}`},
	{"AXB bind with empty min-0 strings (D22)", "axb-bind.request",
		`{"callerNum":"+8613800000021","calleeNum":"+8613800000023","areaCode":"","lastMinVoice":"",
		 "preVoice":{"callerHintTone":"","calleeHintTone":null}}`},
	{"official AXB bind response", "axb-bind.response",
		`{"resultcode":"0","resultdesc":"Success","subscriptionId":"c1564552-844a-4048-9ac7-d4f5944543fc",
		 "relationNum":"+8613800006666","callDirection":0,"duration":0,"maxDuration":0}`},
	{"AXB bind response, table wording Success.", "axb-bind.response",
		`{"resultcode":"0","resultdesc":"Success.","subscriptionId":"1","relationNum":"+8617000000001"}`},
	// §3.3 AXB unbind.
	{"official AXB unbind parameters", "axb-unbind.request",
		`{"subscriptionId":"0167ecc9-bfb6-4eec-b671-a7dab2ba78cf"}`},
	{"AXB unbind by relationNum", "axb-unbind.request", `{"relationNum":"+8617000000001"}`},
	{"official AXB unbind response", "axb-unbind.response", `{"resultcode":"0","resultdesc":"Success"}`},
	// §3.4 AXB modify.
	{"official AXB modify request", "axb-modify.request",
		`{"subscriptionId":"0167ecc9-bfb6-4eec-b671-a7dab2ba78cf","calleeNum":"+8613800000021"}`},
	{"AXB modify, every field", "axb-modify.request",
		`{"subscriptionId":"s","callerNum":"+8613800000001","calleeNum":"+8613800000002","callDirection":1,
		 "duration":0,"maxDuration":5,"lastMinVoice":"a.wav","privateSms":"false","recordFlag":"true",
		 "preVoice":{"callerHintTone":"c.wav"},"userData":"x","recordHintTone":"r.wav","relationNum":"ignored"}`},
	{"official AXB modify response", "axb-modify.response", `{"resultcode":"0","resultdesc":"Success"}`},
	// §3.5 AXB query.
	{"AXB query by relationNum with paging", "axb-query.request",
		`{"relationNum":"+8617000000001","callerNum":"+8613800000021","pageIndex":"x","pageSize":"500"}`},
	{"emulator AXB query response", "axb-query.response",
		`{"resultcode":"0","resultdesc":"Success","totalCount":1,"pageIndex":1,"pageSize":50,
		 "relationNumList":[{"subscriptionId":"0167ecc9-bfb6-4eec-b671-a7dab2ba78cf",
		   "relationNum":"+8617000000001","callerNum":"+8613800000021","calleeNum":"+8613800000023",
		   "callDirection":0,"duration":86400,"maxDuration":60,"recordFlag":"false","privateSms":"true",
		   "userData":"order-4711","subscribeTime":"2026-03-01 08:15:00"}]}`},
	{"AXB query response past the last page (D41)", "axb-query.response",
		`{"resultcode":"0","resultdesc":"Success","totalCount":3,"pageIndex":9,"pageSize":10,"relationNumList":[]}`},
	{"AXB query item with docs' unpadded subscribeTime", "axb-query.response",
		`{"resultcode":"0","resultdesc":"Success","totalCount":1,"pageIndex":1,"pageSize":100,
		 "relationNumList":[{"subscriptionId":"s","relationNum":"+8617000000001","callerNum":"+8613800000021",
		   "calleeNum":"+8613800000023","callDirection":1,"duration":0,"maxDuration":0,"recordFlag":"true",
		   "recordHintTone":"r.wav","privateSms":"false","preVoice":{"callerHintTone":"a.wav"},
		   "subscribeTime":"2018-2-24 15:15:15"}]}`},
	// §4.2 AX bind.
	{"official AX bind request", "ax-bind.request",
		`{"origNum":"+8613800008888","privateNum":"+8613800006666",
		 "preVoice":{"callerHintTone":"callerHintTone.wav","calleeHintTone":"calleeHintTone.wav"}}`},
	{"AX bind, Java sample boolean", "ax-bind.request",
		`{"origNum":"+8613800008888","areaCode":"0755","privateNumType":"mobile-virtual","recordFlag":true,
		 "recordHintTone":"r.wav","calleeNumDisplay":"0","privateSms":"true","maxDuration":0,"lastMinVoice":"",
		 "userData":"u","turnFlag":"on","callDirection":0,"areaMatchMode":"0"}`},
	{"official AX bind response", "ax-bind.response",
		`{"resultcode":"0","resultdesc":"Success","origNum":"+8613800008888","privateNum":"+8613800006666",
		 "subscriptionId":"123456"}`},
	// §4.3 AX unbind.
	{"official AX unbind parameters", "ax-unbind.request",
		`{"origNum":"+8613800007021","privateNum":"+8613800000021"}`},
	{"AX unbind by privateNum alone", "ax-unbind.request", `{"privateNum":"+8613800000021"}`},
	{"official AX unbind response", "ax-unbind.response", `{"resultcode":"0","resultdesc":"Success"}`},
	// §4.4 AX modify.
	{"AX modify by privateNum", "ax-modify.request",
		`{"privateNum":"+8617000000001","turnFlag":"off","maxDuration":10,"lastMinVoice":"l.wav","privateSms":true}`},
	{"AX modify by subscriptionId, empty privateNum absent", "ax-modify.request",
		`{"subscriptionId":"abc","origNum":"+8613800000009","calleeNumDisplay":"1","callDirection":2,
		 "recordFlag":"false","recordHintTone":"r.wav","userData":"x","preVoice":{}}`},
	{"AX modify response", "ax-modify.response", `{"resultcode":"0","resultdesc":"Success"}`},
	// §4.5 AX query.
	{"AX query by origNum", "ax-query.request", `{"origNum":"+8613800000001"}`},
	{"AX query response", "ax-query.response",
		`{"resultcode":"0","resultdesc":"Success","privateNumList":[
		  {"origNum":"+8613800000001","privateNum":"+8617000000001","privateNumType":"mobile-virtual",
		   "subscribeTime":"2026-03-01 08:15:00","subscriptionId":"s1","recordFlag":"true","recordHintTone":"r.wav",
		   "calleeNumDisplay":"0","privateSms":"true","maxDuration":0,"turnFlag":"on"},
		  {"origNum":"+8613800000001","privateNum":"+8617000000002","privateNumType":"mobile-virtual",
		   "subscribeTime":"2026-03-01 08:16:00","subscriptionId":"s2","recordFlag":"false",
		   "calleeNumDisplay":"0","privateSms":"false","preVoice":{"calleeHintTone":"b.wav"},"maxDuration":60,
		   "lastMinVoice":"l.wav","callDirection":1,"userData":"u","turnFlag":"off"}]}`},
	// §4.6 AX set temporary callee.
	{"AX temporary callee, 95 number (D56)", "ax-callee.request",
		`{"privateNum":"+8617000000001","calleeNum":"+8695588","duration":259200,"userData":"u"}`},
	{"AX temporary callee, 400 number and ignored origNum", "ax-callee.request",
		`{"origNum":"+8613800000001","subscriptionId":"s","calleeNum":"+864001234567"}`},
	{"AX temporary callee response", "ax-callee.response", `{"resultcode":"0","resultdesc":"Success"}`},
	// §5 AXE.
	{"AXE bind, official sample lifetimes", "axe-bind.request",
		`{"bindNum":"+8613800000001","virtualNum":"+8617000000001","extendNum":"0001","displayNumMode":"0",
		 "recordFlag":"false","callbackTone":"cb.wav","timeUnit":"0","bindExpiredTime":24,"callbackExpiredTime":24,
		 "userData":"u","maxDuration":7200,"privateSms":"junk"}`},
	{"AXE bind, allocation and minutes", "axe-bind.request",
		`{"bindNum":"+8675528123401","virtualNum":"","extendNum":"","areaCode":"0755","areaMatchMode":"1",
		 "callbackNum":"+8613800000002","callbackTone":null,"timeUnit":"1","bindExpiredTime":129600,"callbackExpiredTime":0}`},
	{"AXE bind response (D64)", "axe-bind.response",
		`{"resultcode":"0","resultdesc":"Success","subscriptionId":"s","virtualNum":"+8617000000001",
		 "extendNum":"0001","bindNum":"+8613800000001"}`},
	{"AXE unbind by pair", "axe-unbind.request", `{"virtualNum":"+8617000000001","extendNum":"12"}`},
	{"AXE unbind by ID", "axe-unbind.request", `{"subscriptionId":"s","virtualNum":"+8617000000001"}`},
	{"AXE unbind response", "axe-unbind.response", `{"resultcode":"0","resultdesc":"Success"}`},
	{"AXE modify by pair", "axe-modify.request",
		`{"virtualNum":"+8617000000001","extendNum":"0001","displayNumMode":"0","callbackNum":"+8613800000002",
		 "callbackExpiredTime":48,"timeUnit":"1","bindExpiredTime":100}`},
	{"AXE modify response", "axe-modify.response", `{"resultcode":"0","resultdesc":"Success"}`},
	{"AXE query by ID", "axe-query.request", `{"subscriptionId":"s"}`},
	{"AXE query response", "axe-query.response",
		`{"resultcode":"0","resultdesc":"Success","subscriptionId":"s","virtualNum":"+8617000000001",
		 "extendNum":"0001","bindNum":"+8613800000001","displayNumMode":"0","recordFlag":"false",
		 "callbackTone":"cb.wav","timeUnit":"0","bindExpiredTime":24,"callbackExpiredTime":0,"userData":"u"}`},
	// §6.2-§6.4 AXYB (the reference's emulator examples).
	{"AXYB AX bind", "axyb-bind.request", `{"origNum":"+8613800000021","areaCode":"0755","duration":"86400","ybDuration":3600}`},
	{"AXYB YB bind", "axyb-bind.request", `{"subscriptionId":"0b6f2c9e-5d1a-4c3b-9f8e-2a7d4e6b1c05","origNum":"+8613800000023"}`},
	{"AXYB AX bind, official sample values", "axyb-bind.request",
		`{"origNum":"+8613800000021","areaCode":"0755","areaMatchMode":"0","duration":7200,"recordFlag":true,
		 "recordHintTone":"r.wav","preVoiceX":"x_hint_tone1.wav","preVoiceY":"y_hint_tone1.wav","callDirection":0}`},
	{"AXYB bind response", "axyb-bind.response",
		`{"resultcode":"0","resultdesc":"Success","subscriptionId":"0b6f2c9e-5d1a-4c3b-9f8e-2a7d4e6b1c05","relationNumber":"+8617000000001"}`},
	{"AXYB unbind of one YB", "axyb-unbind.request",
		`{"app_key":"pnsDemoAppKey0001","subscriptionId":"s","yNum":"+8617000000002"}`},
	{"AXYB unbind response", "axyb-unbind.response", `{"resultcode":"0","resultdesc":"Success"}`},
	{"AXYB query by X", "axyb-query.request", `{"app_key":"k","relationNum":"+8617000000001"}`},
	{"AXYB query response", "axyb-query.response",
		`{"resultcode":"0","resultdesc":"Success","xyRelationNumList":[{"bindId":"0b6f2c9e-5d1a-4c3b-9f8e-2a7d4e6b1c05",
		 "numA":"+8613800000021","numX":"+8617000000001","numY":"+8617000000002","numB":"+8613800000023",
		 "recordFlag":"false","subscribeTime":"2026-03-01 08:15:00","callDirection":0,"duration":"86400",
		 "ybDuration":"3600"}]}`},
	// §11 recording download.
	{"recording download parameters", "record-download.request",
		`{"fileName":"22051313251812007961340.wav","recordDomain":"ostorQH2.huawei.com"}`},
	{"recording download error (D75)", "record-download.response",
		`{"resultcode":"1012007","resultdesc":"The record does not exist."}`},
	// §11.2 stop call: the official example, and the emulator's refusal of an ended call (D80).
	{"official stop call request", "call-stop.request",
		`{"sessionid":"1200_366_0_20161228102743@callenabler.home1.com","signal":"call_stop"}`},
	{"official stop call response", "call-stop.response", `{"resultcode":"0","resultdesc":"Success"}`},
	{"stop call of an ended call (D80)", "call-stop.response", `{"resultcode":"1012007","resultdesc":"The record does not exist."}`},
	// §1.5 error envelope.
	{"official error body", "error.response", `{"resultcode":"1010002","resultdesc":"Invalid request. calleeNum"}`},
	// §7 call events.
	{"official disconnect event", "callback-event.request",
		`{"eventType":"disconnect","statusInfo":{"sessionId":"1202_1051_4294967295_20190124070250@callenabler246.huaweicaas.com",
		 "timestamp":"2019-01-24 07:03:28","caller":"+8613800000022","called":"+8613800007021","stateCode":0,
		 "stateDesc":"The user releases the call.","subscriptionId":"c1564552-844a-4048-9ac7-d4f5944543fc"}}`},
	{"AXE collectInfo event", "callback-event.request",
		`{"eventType":"collectInfo","statusInfo":{"sessionId":"+8613400007762_+8615000002131_4_627e5c1f_963036_669_1_0",
		 "timestamp":"2026-03-01 08:15:00","caller":"+8613800000022","called":"+8617000000001","digitInfo":"0001",
		 "subscriptionId":"s","userData":"u"}}`},
	{"callin without binding", "callback-event.request",
		`{"eventType":"callin","statusInfo":{"sessionId":"x","timestamp":"2026-3-1 8:15:00","caller":"anonymous","called":"+8617000000001"}}`},
	// §8 fee.
	{"official fee example", "callback-fee.request",
		`{"eventType":"fee","feeLst":[{"direction":1,"spId":"sp0001","appKey":"pnsDemoAppKey0001",
		 "icid":"ba171f34e6953fcd751edc77127748f4.3757285803.338666679.5","bindNum":"+8613800000022",
		 "sessionId":"1200_1827_4294967295_20190124023003@callenabler246.huaweicaas.com","subscriptionId":"s1",
		 "callerNum":"+8613800000021","calleeNum":"+8613800000022","fwdDisplayNum":"+8613800000022","fwdDstNum":"+8613800007021",
		 "callInTime":"2019-01-24 02:30:03","fwdStartTime":"2019-01-24 02:30:03","fwdAlertingTime":"2019-01-24 02:30:04",
		 "fwdAnswerTime":"2019-01-24 02:30:06","callEndTime":"2019-01-24 02:30:22","fwdUnaswRsn":0,"ulFailReason":0,
		 "sipStatusCode":0,"callOutUnaswRsn":0,"recordFlag":1,"recordStartTime":"2019-01-24 02:30:06",
		 "recordDomain":"0000.com","recordBucketName":"0000","recordObjectName":"0000.wav","ttsPlayTimes":0,
		 "ttsTransDuration":0,"mptyId":"s1","serviceType":"003","hostName":"callenabler246.huaweicaas.com"}]}`},
	{"real 2022 AXB fee push", "callback-fee.request",
		`{"eventType":"fee","feeLst":[{"direction":1,"spId":"sp0001","appKey":"xxx",
		 "icid":"c08dd88381a6deaa14e1c26e89e19b16.3861408249.24986516.29","bindNum":"+8617000004375",
		 "sessionId":"+8613400007762_+8615000002131_4_627e5c1f_963036_669_1_0",
		 "subscriptionId":"c1564552-844a-4048-9ac7-d4f5944543fc","callerNum":"+8615000002131","calleeNum":"+8617000004375",
		 "fwdDisplayNum":"+8617000004375","fwdDstNum":"+8618600002935","callInTime":"2022-05-13 05:24:57",
		 "fwdStartTime":"2022-05-13 05:24:58","fwdAlertingTime":"2022-05-13 05:25:01","fwdAnswerTime":"2022-05-13 05:25:18",
		 "callEndTime":"2022-05-13 05:25:41","fwdUnaswRsn":0,"ulFailReason":0,"sipStatusCode":0,"callOutUnaswRsn":0,
		 "recordFlag":1,"recordStartTime":"2022-05-13 05:25:18","recordDomain":"ostorQH2.huawei.com",
		 "recordBucketName":"sp-xxx","recordObjectName":"22051313251812007961340.wav","ttsPlayTimes":0,
		 "ttsTransDuration":0,"mptyId":"c1564552-844a-4048-9ac7-d4f5944543fc","serviceType":"004",
		 "hostName":"qhats01.huaweicaas.com","voiceCheckType":0}]}`},
	{"failed call without binding (§8.1: empty subscriptionId)", "callback-fee.request",
		`{"eventType":"fee","feeLst":[{"direction":2,"spId":"sp","appKey":"k","bindNum":"+8617000000001","sessionId":"s",
		 "subscriptionId":"","callerNum":"+8613800000009","calleeNum":"+8617000000001","callInTime":"2026-03-01 08:15:00",
		 "callEndTime":"2026-03-01 08:15:01","failTime":"2026-03-01 08:15:01","fwdUnaswRsn":0,"ulFailReason":8014,
		 "sipStatusCode":0,"callOutUnaswRsn":0,"recordFlag":0,"extendNum":"0001","serviceType":"005","hostName":"h"}]}`},
	// §9 X-number status.
	{"numStatus example", "callback-numstatus.request",
		`{"eventType":"numStatus","numInfo":[{"number":"+8617000000001","status":"10","cause":"2"},{"number":"+8617000000002","status":"5"}]}`},
	// §10 SMS.
	{"emulator SMS Notify example (D90)", "callback-sms-notify.request",
		`{"appKey":"pnsDemoAppKey0001","smsEvent":{"smsIdentifier":"2b0f3c1e9d6a4f7e8c5b1a2d3e4f5a6b",
		 "notificationMode":"Notify","calling":"+8613800000023","called":"+8613800000021",
		 "virtualNumber":"+8617000000001","event":"TextSMS","timeStamp":"2026-03-01T08:20:00.000Z",
		 "subscriptionId":"0167ecc9-bfb6-4eec-b671-a7dab2ba78cf","smsContent":"hello","sendResult":0}}`},
	{"official SMS Notify example (§10.4: \"Text SMS \", no called)", "callback-sms-notify.request",
		`{"appKey":"****","smsEvent":{"smsIdentifier":"********","notificationMode":"Notify",
		 "calling":"+86138****0001","virtualNumber":"+86138****0000","event":"Text SMS ",
		 "timeStamp":"2020-12-23T09:06:16.450Z",
		 "extInfo":{"extParas":[{"key":"splitNum","value":"0"},{"key":"direction","value":"2"}]},"sendResult":2}}`},
	{"official SMS Block example (§10.3: \"TextSMS\", no called)", "callback-sms-block.request",
		`{"appKey":"****","smsEvent":{"smsIdentifier":"****","notificationMode":"Block",
		 "calling":"+86138****0001","virtualNumber":"+86138****0000","event":"TextSMS",
		 "timeStamp":"2018-09-13T09:46:16.023Z",
		 "extInfo":{"extParas":[{"key":"splitNum","value":"2"},{"key":"direction","value":"1"}]},"sendResult":0}}`},
	{"SMS Notify with the call events' time form", "callback-sms-notify.request",
		`{"appKey":"k","smsEvent":{"smsIdentifier":"i","notificationMode":"Notify","calling":"+8613800000021",
		 "virtualNumber":"+8617000000001","event":"TextSMS","timeStamp":"2026-03-01 08:20:00"}}`},
	{"SMS Block", "callback-sms-block.request",
		`{"appKey":"k","smsEvent":{"smsIdentifier":"i","notificationMode":"Block","calling":"+8613800000021",
		 "called":"+8617000000001","virtualNumber":"+8617000000001","event":"sms","timeStamp":"2026-03-01 08:20:00",
		 "extInfo":{"extParas":[]},"userData":"u"}}`},
	{"official Block answer", "callback-sms-block.response", `{"actions":[{"operation":"vNumberRoute",
		 "message":{"called":"+8613800000002","calling":"+8613800000001"}}]}`},
	{"Block answer discarding, with userData", "callback-sms-block.response", `{"actions":[{"operation":"DiscardMessage","userData":"u","extParas":[]}]}`},
	// §6.7 X-mode Block callin replies.
	{"X-mode connect (reference example)", "callback-callin.response", `{"operation":"connect","connectInfo":{"displayCalleeNum":"+8617000000001",
		 "calleeNum":"+8613800000023","maxDuration":60,"waitVoice":"waitVoice001.wav","recordFlag":"true",
		 "recordHintTone":"recordHintTone001.wav","userData":"order-4711"}}`},
	{"X-mode connect as the Java sample's array", "callback-callin.response", `{"operation":"connect","connectInfo":[{"calleeNum":"+8613800000023","recordFlag":true,"maxDuration":0}]}`},
	{"X-mode close", "callback-callin.response", `{"operation":"close","closeInfo":{"closeHintTone":"closeHintTone001.wav","userData":"order-4711"}}`},
	{"X-mode close without closeInfo", "callback-callin.response", `{"operation":"close"}`},
}

// TestValidExamples validates every example and checks that each payload schema has one.
func TestValidExamples(t *testing.T) {
	v := mustNew(t)
	covered := map[string]bool{}
	for _, ex := range validExamples {
		covered[ex.schema] = true
		got, err := v.Validate(ex.schema, []byte(ex.body))
		if err != nil {
			t.Errorf("%s: %v", ex.name, err)
			continue
		}
		for _, g := range got {
			t.Errorf("%s (%s): unexpected violation %s", ex.name, ex.schema, g)
		}
	}
	for _, n := range v.Names() {
		if !covered[n] {
			t.Errorf("schema %s has no valid example", n)
		}
	}
}

// TestErrorBodiesPassEveryResponseSchema: §1.5, error bodies have the envelope shape on every
// interface, so every provisioning response schema must accept them.
func TestErrorBodiesPassEveryResponseSchema(t *testing.T) {
	v := mustNew(t)
	bodies := []string{
		`{"resultcode":"1010002","resultdesc":"Invalid request. calleeNum"}`,
		`{"resultcode":"1012007","resultdesc":"The record does not exist.","extra":1}`,
		`{"resultcode":"1023006","resultdesc":"Authorization not contained in the HTTP header."}`,
	}
	for _, n := range v.Names() {
		if !strings.HasSuffix(n, ".response") || strings.HasPrefix(n, "callback-") {
			continue
		}
		for _, b := range bodies {
			got, err := v.Validate(n, []byte(b))
			if err != nil || got != nil {
				t.Errorf("%s rejects %s: %v %v", n, b, got, err)
			}
		}
	}
}

type wantV struct{ path, keyword string }

// invalidExamples each yield exactly the listed violations (instance path + keyword), in
// sorted order.
var invalidExamples = []struct {
	name, schema, body string
	want               []wantV
}{
	{"AXB bind: missing callee", "axb-bind.request", `{"callerNum":"+8613800000001"}`,
		[]wantV{{"", "required"}}},
	{"AXB bind: null in a mandatory field", "axb-bind.request", `{"callerNum":null,"calleeNum":"+8613800000002"}`,
		[]wantV{{"/callerNum", "type"}}},
	{"AXB bind: not an object", "axb-bind.request", `[]`, []wantV{{"", "type"}}},
	{"AXB bind: integer as string (D20)", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","callDirection":"0"}`,
		[]wantV{{"/callDirection", "type"}}},
	{"AXB bind: integral fraction and exponent (D20)", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","duration":1.0,"callDirection":1e0,"maxDuration":-0}`,
		[]wantV{{"/callDirection", "format"}, {"/duration", "format"}}},
	{"AXE bind: exponent in expiry (D20)", "axe-bind.request",
		`{"bindNum":"+8613800000001","bindExpiredTime":2E1}`,
		[]wantV{{"/bindExpiredTime", "format"}}},
	{"AXB bind: fraction", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","duration":1.5}`,
		[]wantV{{"/duration", "type"}}},
	{"AXB bind: callDirection 3", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","callDirection":3}`,
		[]wantV{{"/callDirection", "enum"}}},
	{"AXB bind: duration out of range (D29)", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","duration":7776001,"maxDuration":-1}`,
		[]wantV{{"/duration", "maximum"}, {"/maxDuration", "minimum"}}},
	{"AXB bind: recordFlag variants (D23)", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","recordFlag":"TRUE","privateSms":1}`,
		[]wantV{{"/privateSms", "enum"}, {"/recordFlag", "enum"}}},
	{"AXB bind: 400 and 95 numbers (D44)", "axb-bind.request",
		`{"callerNum":"+864001234567","calleeNum":"+869512345678"}`,
		[]wantV{{"/calleeNum", "format"}, {"/callerNum", "format"}}},
	{"AXB bind: fixed-line X", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","relationNum":"+8675528123401"}`,
		[]wantV{{"/relationNum", "format"}}},
	{"AXB bind: number without +", "axb-bind.request",
		`{"callerNum":"8613800000001","calleeNum":"+8613800000002"}`,
		[]wantV{{"/callerNum", "format"}}},
	{"AXB bind: preVoice array (D20)", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","preVoice":[{"callerHintTone":"a"}]}`,
		[]wantV{{"/preVoice", "type"}}},
	{"AXB bind: tone too long", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","preVoice":{"calleeHintTone":"` + strings.Repeat("a", 129) + `"}}`,
		[]wantV{{"/preVoice/calleeHintTone", "maxLength"}}},
	{"AXB bind: empty recordHintTone (D22)", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","recordHintTone":""}`,
		[]wantV{{"/recordHintTone", "minLength"}}},
	{"AXB bind: userData with braces, Chinese, empty (D24)", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","userData":"{\"a\":1}"}`,
		[]wantV{{"/userData", "pattern"}}},
	{"AXB bind: userData Chinese", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","userData":"订单"}`,
		[]wantV{{"/userData", "pattern"}}},
	{"AXB bind: areaMatchMode 2 (D36)", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","areaMatchMode":"2"}`,
		[]wantV{{"/areaMatchMode", "enum"}}},
	{"AXB bind: areaMatchMode integer (D20)", "axb-bind.request",
		`{"callerNum":"+8613800000001","calleeNum":"+8613800000002","areaMatchMode":0}`,
		[]wantV{{"/areaMatchMode", "type"}}},
	{"AXB bind response: success without subscriptionId", "axb-bind.response",
		`{"resultcode":"0","resultdesc":"Success","relationNum":"+8617000000001"}`,
		[]wantV{{"", "required"}}},
	{"AXB bind response: numeric resultcode", "axb-bind.response",
		`{"resultcode":0,"resultdesc":"Success"}`,
		[]wantV{{"/resultcode", "type"}}},
	{"AXB bind response: fields on an error", "axb-bind.response",
		`{"resultcode":"1012008","resultdesc":"Insufficient number of resources","relationNum":"+8617000000001"}`,
		[]wantV{{"/relationNum", "false"}}},
	{"AXB unbind: no parameter (D38)", "axb-unbind.request", `{}`, []wantV{{"", "anyOf"}}},
	{"AXB unbind: unescaped + (D17)", "axb-unbind.request", `{"relationNum":" 8617000000001"}`,
		[]wantV{{"/relationNum", "format"}}},
	{"AXB modify: missing subscriptionId", "axb-modify.request", `{"calleeNum":"+8613800000002"}`,
		[]wantV{{"", "required"}}},
	{"AXB query: callerNum too long", "axb-query.request",
		`{"relationNum":"+8617000000001","callerNum":"+861` + strings.Repeat("3", 126) + `"}`,
		[]wantV{{"/callerNum", "format"}}},
	{"AXB query response: string paging (clients' typing)", "axb-query.response",
		`{"resultcode":"0","resultdesc":"Success","totalCount":0,"pageIndex":"1","pageSize":50,"relationNumList":[]}`,
		[]wantV{{"/pageIndex", "type"}}},
	{"AXB query response: boolean recordFlag", "axb-query.response",
		`{"resultcode":"0","resultdesc":"Success","totalCount":1,"pageIndex":1,"pageSize":50,
		  "relationNumList":[{"subscriptionId":"s","relationNum":"+8617000000001","callerNum":"+8613800000021",
		  "calleeNum":"+8613800000023","callDirection":0,"duration":0,"maxDuration":0,"recordFlag":false,
		  "privateSms":"true","subscribeTime":"2026-03-01T08:15:00Z"}]}`,
		[]wantV{{"/relationNumList/0/recordFlag", "type"}, {"/relationNumList/0/subscribeTime", "format"}}},
	{"AX bind: privateNumType (D52)", "ax-bind.request",
		`{"origNum":"+8613800000001","privateNumType":"fixed","turnFlag":"ON","calleeNumDisplay":"2"}`,
		[]wantV{{"/calleeNumDisplay", "enum"}, {"/privateNumType", "enum"}, {"/turnFlag", "enum"}}},
	{"AX bind: origNum too long", "ax-bind.request", `{"origNum":"+86` + strings.Repeat("1", 30) + `"}`,
		[]wantV{{"/origNum", "format"}}},
	{"AX bind response: missing privateNum", "ax-bind.response",
		`{"resultcode":"0","resultdesc":"Success","origNum":"+8613800000001","subscriptionId":"s"}`,
		[]wantV{{"", "required"}}},
	{"AX unbind: origNum alone (D54)", "ax-unbind.request", `{"origNum":"+8613800000001"}`,
		[]wantV{{"", "anyOf"}}},
	{"AX modify: neither ID nor X", "ax-modify.request", `{"subscriptionId":"","origNum":"+8613800000001"}`,
		[]wantV{{"", "anyOf"}}},
	{"AX modify: null X", "ax-modify.request", `{"privateNum":null}`, []wantV{{"", "anyOf"}}},
	{"AX query: none of the three (D78)", "ax-query.request", `{"pageSize":"10"}`, []wantV{{"", "anyOf"}}},
	{"AX query response: recordHintTone with recordFlag false", "ax-query.response",
		`{"resultcode":"0","resultdesc":"Success","privateNumList":[
		  {"origNum":"+8613800000001","privateNum":"+8617000000001","privateNumType":"mobile-virtual",
		   "subscribeTime":"2026-03-01 08:15:00","subscriptionId":"s1","recordFlag":"false","recordHintTone":"r.wav",
		   "calleeNumDisplay":"0","privateSms":"true","maxDuration":0}]}`,
		[]wantV{{"/privateNumList/0", "required"}, {"/privateNumList/0/recordHintTone", "false"}}},
	{"AX callee: missing calleeNum, duration 0", "ax-callee.request", `{"privateNum":"+8617000000001","duration":0}`,
		[]wantV{{"", "required"}, {"/duration", "minimum"}}},
	{"AX callee: duration over 3 days", "ax-callee.request",
		`{"subscriptionId":"s","calleeNum":"+8613800000002","duration":259201}`,
		[]wantV{{"/duration", "maximum"}}},
	{"AX callee: 95 number too long", "ax-callee.request",
		`{"subscriptionId":"s","calleeNum":"+86951234567890"}`,
		[]wantV{{"/calleeNum", "format"}}},
	{"AXE bind: callbackTone and callbackNum (D61)", "axe-bind.request",
		`{"bindNum":"+8613800000001","callbackTone":"t.wav","callbackNum":"+8613800000002"}`,
		[]wantV{{"/callbackNum", "type"}}},
	{"AXE bind: extension letters and length (D58)", "axe-bind.request",
		`{"bindNum":"+8613800000001","extendNum":"12345"}`,
		[]wantV{{"/extendNum", "maxLength"}}},
	{"AXE bind: extension letters", "axe-bind.request", `{"bindNum":"+8613800000001","extendNum":"1a"}`,
		[]wantV{{"/extendNum", "pattern"}}},
	{"AXE bind: hours over 90 days (D62)", "axe-bind.request",
		`{"bindNum":"+8613800000001","bindExpiredTime":2161,"callbackExpiredTime":-1}`,
		[]wantV{{"/bindExpiredTime", "maximum"}, {"/callbackExpiredTime", "minimum"}}},
	{"AXE bind: minutes over 90 days (D62)", "axe-bind.request",
		`{"bindNum":"+8613800000001","timeUnit":"1","callbackExpiredTime":129601}`,
		[]wantV{{"/callbackExpiredTime", "maximum"}}},
	{"AXE bind: timeUnit 2, fixed-line virtualNum", "axe-bind.request",
		`{"bindNum":"+8613800000001","timeUnit":"2","virtualNum":"+8675528123401"}`,
		[]wantV{{"/timeUnit", "enum"}, {"/virtualNum", "format"}}},
	{"AXE unbind: virtualNum without extendNum (D65)", "axe-unbind.request", `{"virtualNum":"+8617000000001"}`,
		[]wantV{{"", "anyOf"}}},
	{"AXE query: empty ID and lone extension", "axe-query.request", `{"subscriptionId":"","extendNum":"1"}`,
		[]wantV{{"", "anyOf"}}},
	{"AXE query response: missing fields on success", "axe-query.response",
		`{"resultcode":"0","resultdesc":"Success","subscriptionId":"s"}`,
		[]wantV{{"", "required"}}},
	{"AXYB bind: duration 59 and ybDuration above 90 days (D83)", "axyb-bind.request",
		`{"origNum":"+8613800000021","duration":59,"ybDuration":"7776001x"}`,
		[]wantV{{"/duration", "anyOf"}, {"/ybDuration", "anyOf"}}},
	{"AXYB bind: no origNum", "axyb-bind.request", `{"subscriptionId":"s"}`, []wantV{{"", "required"}}},
	{"AXYB unbind: no subscriptionId", "axyb-unbind.request", `{"app_key":"k","yNum":"+8617000000002"}`,
		[]wantV{{"", "required"}}},
	{"AXYB query: neither X nor ID", "axyb-query.request", `{"app_key":"k"}`, []wantV{{"", "anyOf"}}},
	{"AXYB query response: six entries, numY without numB", "axyb-query.response",
		`{"resultcode":"0","resultdesc":"Success","xyRelationNumList":[` + strings.Repeat(`{"bindId":"b","numA":"+8613800000021","numX":"+8617000000001","recordFlag":"false","subscribeTime":"2026-03-01 08:15:00","callDirection":0,"duration":"0","ybDuration":"0"},`, 5) +
			`{"bindId":"b","numA":"+8613800000021","numX":"+8617000000001","numY":"+8617000000002","recordFlag":"false","subscribeTime":"2026-03-01 08:15:00","callDirection":0,"duration":"0","ybDuration":"0"}]}`,
		[]wantV{{"/xyRelationNumList", "maxItems"}, {"/xyRelationNumList/5", "required"}}},
	{"record download: missing recordDomain", "record-download.request", `{"fileName":"a.wav"}`,
		[]wantV{{"", "required"}}},
	{"record download: JSON success body", "record-download.response", `{"resultcode":"0","resultdesc":"Success"}`,
		[]wantV{{"/resultcode", "pattern"}}},
	{"stop call: another signal", "call-stop.request", `{"sessionid":"s","signal":"stop"}`,
		[]wantV{{"/signal", "enum"}}},
	{"stop call: notification spelling sessionId", "call-stop.request", `{"sessionId":"s","signal":"call_stop"}`,
		[]wantV{{"", "required"}}},
	{"stop call: resultdesc over 128", "call-stop.response", `{"resultcode":"0","resultdesc":"` + strings.Repeat("x", 129) + `"}`,
		[]wantV{{"/resultdesc", "maxLength"}}},
	{"error envelope: long resultdesc", "error.response",
		`{"resultcode":"1010002","resultdesc":"` + strings.Repeat("x", 257) + `"}`,
		[]wantV{{"/resultdesc", "maxLength"}}},
	{"event: unknown type, missing sessionId, ISO time", "callback-event.request",
		`{"eventType":"hangup","statusInfo":{"timestamp":"2019-01-24T07:03:28Z","caller":"a","called":"b","stateCode":"0"}}`,
		[]wantV{{"/eventType", "enum"}, {"/statusInfo", "required"}, {"/statusInfo/stateCode", "type"}, {"/statusInfo/timestamp", "format"}}},
	{"event: no statusInfo", "callback-event.request", `{"eventType":"answer"}`, []wantV{{"", "required"}}},
	{"fee: 51 records", "callback-fee.request",
		`{"eventType":"fee","feeLst":[` + strings.TrimSuffix(strings.Repeat(`{"direction":0,"spId":"s","appKey":"k","bindNum":"b","sessionId":"x","callerNum":"c","calleeNum":"d"},`, 51), ",") + `]}`,
		[]wantV{{"/feeLst", "maxItems"}}},
	{"fee: empty list, wrong eventType", "callback-fee.request", `{"eventType":"Fee","feeLst":[]}`,
		[]wantV{{"/eventType", "enum"}, {"/feeLst", "minItems"}}},
	{"fee: record types", "callback-fee.request",
		`{"eventType":"fee","feeLst":[{"direction":3,"spId":"s","appKey":"k","bindNum":"b","sessionId":"x","callerNum":"c",
		  "recordFlag":"1","callEndTime":"2019-1-24","ulFailReason":8014.5}]}`,
		[]wantV{{"/feeLst/0", "required"}, {"/feeLst/0/callEndTime", "format"}, {"/feeLst/0/direction", "enum"},
			{"/feeLst/0/recordFlag", "type"}, {"/feeLst/0/ulFailReason", "type"}}},
	{"numStatus: cause without status 10, status 4", "callback-numstatus.request",
		`{"eventType":"numStatus","numInfo":[{"number":"+8617000000001","status":"9","cause":"2"},{"number":"+8617000000002","status":"4","cause":"4"}]}`,
		[]wantV{{"/numInfo/0/status", "const"}, {"/numInfo/1/cause", "enum"}, {"/numInfo/1/status", "enum"}, {"/numInfo/1/status", "const"}}},
	{"numStatus: integer status", "callback-numstatus.request",
		`{"eventType":"numStatus","numInfo":[{"number":"+8617000000001","status":5}]}`,
		[]wantV{{"/numInfo/0/status", "type"}}},
	{"SMS Notify: Block mode on the notify schema", "callback-sms-notify.request",
		`{"appKey":"k","smsEvent":{"smsIdentifier":"i","notificationMode":"Block","calling":"a","called":"b",
		  "virtualNumber":"x","event":"sms","timeStamp":"2026-03-01 08:20:00","sendResult":6}}`,
		[]wantV{{"/smsEvent/notificationMode", "const"}, {"/smsEvent/sendResult", "enum"}}},
	{"SMS Block: missing fields", "callback-sms-block.request",
		`{"appKey":"` + strings.Repeat("k", 33) + `","smsEvent":{"notificationMode":"Block"}}`,
		[]wantV{{"/appKey", "maxLength"}, {"/smsEvent", "required"}}},
	{"Block answer: no actions", "callback-sms-block.response", `{"actions":[]}`,
		[]wantV{{"/actions", "minItems"}}},
	{"Block answer: operation missing", "callback-sms-block.response", `{"actions":[{"op":"vNumberRoute"}]}`,
		[]wantV{{"/actions/0", "required"}}},
	{"Block answer: vNumberRoute without message", "callback-sms-block.response", `{"actions":[{"operation":"vNumberRoute"}]}`,
		[]wantV{{"/actions/0", "required"}}},
	{"Block answer: message without calling, unknown operation", "callback-sms-block.response",
		`{"actions":[{"operation":"vNumberRoute","message":{"called":"13800000002"}},{"operation":"drop"}]}`,
		[]wantV{{"/actions/0/message", "required"}, {"/actions/0/message/called", "format"}, {"/actions/1/operation", "enum"}}},
	{"X-mode reply: connect without connectInfo", "callback-callin.response", `{"operation":"connect"}`,
		[]wantV{{"", "required"}}},
	{"X-mode reply: maxDuration 7200, local calleeNum", "callback-callin.response",
		`{"operation":"connect","connectInfo":{"calleeNum":"13800000023","maxDuration":7200}}`,
		[]wantV{{"/connectInfo", "anyOf"}}},
	{"X-mode reply: unknown operation, no operation", "callback-callin.response", `{"operation":"forward"}`,
		[]wantV{{"/operation", "enum"}}},
}

func TestInvalidExamples(t *testing.T) {
	v := mustNew(t)
	for _, ex := range invalidExamples {
		t.Run(ex.name, func(t *testing.T) {
			got, err := v.Validate(ex.schema, []byte(ex.body))
			if err != nil {
				t.Fatal(err)
			}
			var gotW []wantV
			for _, g := range got {
				gotW = append(gotW, wantV{g.InstancePath, g.Keyword})
			}
			if len(gotW) != len(ex.want) {
				t.Fatalf("got %d violations, want %d:\n%s", len(gotW), len(ex.want), render(got))
			}
			for i := range gotW {
				if gotW[i] != ex.want[i] {
					t.Fatalf("violation %d = %+v, want %+v:\n%s", i, gotW[i], ex.want[i], render(got))
				}
			}
		})
	}
}

func render(vs []Violation) string {
	var sb strings.Builder
	for _, v := range vs {
		sb.WriteString(v.String())
		sb.WriteByte('\n')
	}
	return sb.String()
}
