package emulator

import (
	"fmt"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// Fidelity describes one emulator behaviour with its confidence tag and the reference decision
// it implements; docs/fidelity.md is generated from FidelityTable (a test keeps it current).
type Fidelity struct {
	Area      string
	Behaviour string
	// Tag is the reference's confidence tag: V (documented), C (seen in real clients), I
	// (inferred or chosen by the emulator).
	Tag pns.Tag
	// Decisions lists the reference decision IDs (D1-D91) or sections.
	Decisions string
}

// FidelityTable lists the behaviours of the HTTP layer (routing, authentication, validation,
// responses, admin). Business rules of the store are tagged in the store package.
var FidelityTable = fidelityTable()

// fidelityTable puts the shared rows and each mode's (modeEntry.fidelity, in the order of
// pns.Modes) together: the shared transport and response rows, every mode's response rows,
// every mode's block of its own, the shared rows from authentication to validation, every
// mode's validation rows, then the shared rest.
func fidelityTable() []Fidelity {
	out := append([]Fidelity(nil), sharedFidelityHead...)
	out = appendModeRows(out, func(f modeFidelity) []Fidelity { return f.responses })
	out = appendModeRows(out, func(f modeFidelity) []Fidelity { return f.own })
	out = append(out, sharedFidelityMiddle...)
	out = appendModeRows(out, func(f modeFidelity) []Fidelity { return f.validation })
	return append(out, sharedFidelityTail...)
}

// appendModeRows appends one kind of row of every mode, in the order of pns.Modes.
func appendModeRows[R any](out []R, rows func(modeFidelity) []R) []R {
	for _, m := range pns.Modes {
		out = append(out, rows(modes[m].fidelity)...)
	}
	return out
}

// sharedFidelityHead are the rows of every mode on transport and answers.
var sharedFidelityHead = []Fidelity{
	{"Transport", "Every provisioning URI of §1.2 is served on any host (AXYB included, §6.2-§6.4); X-mode URIs (and any other path) answer HTTP 404 with an empty body", pns.Inferred, "D26, §6"},
	{"Transport", "A known URI with another method answers HTTP 405 with an empty body", pns.Inferred, "D26"},
	{"Transport", "Keep-alive by default; `shortConnections: true` sends `Connection: close` and closes after every answer", pns.Verified, "§1.1, D26"},
	{"Transport", "HTTP, or HTTPS with a self-signed ECDSA certificate for localhost/127.0.0.1/::1 (`harness emulate --tls`)", pns.Inferred, "D26"},
	{"Transport", "A handler panic is answered with 1010001 `Internal system error.` (HTTP 500) and counted in `pns_emulator_panics_total`; no stack trace is ever sent", pns.Inferred, "§12"},
	{"Responses", "Every answer is JSON with `Content-Type: application/json;charset=utf-8`; `resultcode` is a string, `Success` on success", pns.Verified, "§1.5"},
	{"Responses", "HTTP status per result code as in §1.6 (format 400, 1010010/1010013 401, other 4xx codes 403, 1010001 500)", pns.Inferred, "D14"},
	{"Responses", "Integers (`callDirection`, `duration`, `maxDuration`, `totalCount`, `pageIndex`, `pageSize`, `bindExpiredTime`, `callbackExpiredTime`) are JSON integers; `recordFlag` / `privateSms` are the strings `\"true\"` / `\"false\"`", pns.Verified, "§1.7, D23, D41"},
	{"Responses", "Times are UTC `yyyy-MM-dd HH:mm:ss`, zero-padded, from the emulator clock", pns.Verified, "D72, D76"},
	{"Responses", "Strings are sent as stored, without HTML escaping (`<` stays `<`)", pns.Inferred, "—"},
}

// sharedFidelityMiddle are the rows of every mode from authentication to field validation.
var sharedFidelityMiddle = []Fidelity{
	{"Authentication", "Steps run in the order of §2.5: lockout, Authorization, X-AKSK/X-WSSE, app, legacyWSSE, allow-list, Created format, nonce length, skew, digest, replay, frozen, mode, flow control, then field validation", pns.Inferred, "D10"},
	{"Authentication", "Header names are case-insensitive; attribute separators with or without spaces; attributes in any order; values double-quoted and verbatim; first duplicate wins; scheme `WSSE` selects the legacy path, anything else is parsed as AKSK", pns.Verified, "§2.4, D9"},
	{"Authentication", "A quoted value followed by anything but spaces or tabs before its comma or the end (`Created=\"…Z\"x`) is not `name=\"value\"` and counts as missing, as an unquoted one does: the request gets the missing attribute's code (1023036 for `Created`, 1023012 for `type`) instead of being read as if the extra text were not there", pns.Inferred, "§2.4, D9"},
	{"Authentication", "X-AKSK always accepted; X-WSSE accepted when the app's `legacyWSSE` is on (default), otherwise 1023033", pns.Inferred, "D1"},
	{"Authentication", "`Created` must be exactly `yyyy-MM-ddTHH:mm:ssZ`, else 1010013 (X-WSSE: 1023031)", pns.Inferred, "D3"},
	{"Authentication", "Nonce longer than 128 characters → 1010010; the character set is not enforced", pns.Inferred, "D7"},
	{"Authentication", "|wall now − Created| > `authSkewSeconds` (300) → 1010013 (HTTP 401); measured on the wall clock, never the scaled emulator clock", pns.Inferred, "D2, D76"},
	{"Authentication", "A `Created` exactly `tolerateLocalTimeAsUTC` (+08:00) ahead, within the window, is accepted and counted in `pns_emulator_local_time_as_utc_total`", pns.Inferred, "D2"},
	{"Authentication", "Digest mismatch → 1010010 `Invalid digest.` (HTTP 401)", pns.Verified, "D4"},
	{"Authentication", "Unknown APP_Key → 1010003 (HTTP 403)", pns.Verified, "D5"},
	{"Authentication", "`rejectNonceReplay` (off by default): a nonce already accepted for the app key → 1010010 until Created + window; nonces are remembered only after successful authentication", pns.Inferred, "D6"},
	{"Authentication", "App `ipWhitelist` (IPs or CIDR blocks; empty = no check): other client IPs → 1020166", pns.Inferred, "D12"},
	{"Authentication", "Frozen app → 1010029 on every provisioning interface; the recording download stays available", pns.Inferred, "D13"},
	{"Authentication", "An interface of another mode → 1010040; the recording download is allowed for every mode", pns.Verified, "D27"},
	{"Authentication", "App `qpsLimit` (0 = off): more requests in one wall-clock second → 1010010 `The flow control upper limit is reached on the platform.` (HTTP 401); not an authentication failure", pns.Inferred, "D11"},
	{"Authentication", "App `flowControl: {rate: R, burst: B}` (instead of `qpsLimit`): a token bucket of B requests refilled at R per wall-clock second; an authenticated request finding it empty → 1010010 `The flow control upper limit is reached on the platform.` (HTTP 401), told apart from `Invalid digest.` by its resultdesc. `harness emulate --flow-control R/B` sets it on every app; `--platform-only` defaults to 1000/1000", pns.Inferred, "D11"},
	{"Lockout", "10 failures (`lockoutFailures`) of steps 1-9 and 11-15 from one TCP peer IP within a sliding 60 s (`lockoutWindowSeconds`) → every request from it gets 1020176 (HTTP 403) for 1800 s (`lockoutSeconds`), on the emulator clock; refused requests do not extend the lock; forwarding headers are ignored", pns.Inferred, "D8"},
	{"Lockout", "Test-suite safety: `lockoutEnabled: false` in the config disables it; `POST /emulator/v1/lockout {\"enabled\":true|false}` switches it at run time (clearing counters); `DELETE /emulator/v1/lockout` and `POST /emulator/v1/reset` clear all locks", pns.Inferred, "§2.6"},
	{"Validation", "POST/PUT need media type `application/json` (charset optional; if present it must be UTF-8, any case) → else 1010002 `Invalid request. Content-Type`; GET/DELETE are not checked and their bodies are ignored", pns.Inferred, "D18"},
	{"Validation", "Bodies over `maxBodyBytes` (64 KiB), empty bodies, invalid JSON, non-objects and trailing data → 1010002 `Invalid request. body`", pns.Inferred, "D19"},
	{"Validation", "1010002 names the first offending field as spelled in the API: `Invalid request. <field>`; preVoice sub-fields are named `callerHintTone` / `calleeHintTone`", pns.Inferred, "D15"},
	{"Validation", "Fields are checked one by one in the order of the reference's request table (listed below), then cross-field rules (A ≠ B, callbackTone + callbackNum)", pns.Inferred, "D10, D15"},
	{"Validation", "Integers must be JSON integers (no fraction, exponent or string); enums must be JSON strings with a listed value; `preVoice` must be an object", pns.Inferred, "D20"},
	{"Validation", "`recordFlag` / `privateSms` accept exactly `\"true\"`, `\"false\"`, `true`, `false`", pns.ClientSeen, "D23"},
	{"Validation", "Unknown fields and parameters are ignored; JSON `null` is absent", pns.Inferred, "D21"},
	{"Validation", "An empty string is absent where the minimum length is 0 (`areaCode`, tones, AX/AXE `subscriptionId`, AXE `virtualNum`/`extendNum` on bind), a defect where it is ≥ 1", pns.Inferred, "D22"},
	{"Validation", "Lengths are counted in characters, per interface (e.g. AXB bind numbers String(4-31), AXB query callerNum String(4-128), AX numbers String(1-32))", pns.Verified, "§3-§5"},
	{"Validation", "Number syntax of §1.4: X fields +86 mobile only; A/B fields mobile, fixed line or foreign, not +86400/+8695; AX temporary callee also +86400 and +8695 + 3-8 digits", pns.Inferred, "D16, D44, D56"},
	{"Validation", "`areaCode`, when non-empty, must be a city code with its leading 0 (0 + 2-3 digits)", pns.Inferred, "§1.4"},
	{"Validation", "Query strings are decoded with form semantics: an unescaped `+` becomes a space and fails the number check; a broken %-escape is a defect of that parameter; the first occurrence of a parameter wins", pns.Inferred, "D17"},
	{"Validation", "`userData`: 1-256 printable ASCII characters without `{` `}` in every mode", pns.Inferred, "D24"},
	{"Validation", "With an app `toneFiles` list, tone fields must name a listed file; `recordHintTone` on bind is ignored (not checked, not stored) unless `recordFlag` is true", pns.Inferred, "D25"},
}

// sharedFidelityTail are the rows of every mode after field validation: recording, stop call,
// admin, clocks.
var sharedFidelityTail = []Fidelity{
	{"Recording", "`fileName` and `recordDomain` required (String(1-128)) → else 1010002 naming it; known recording → HTTP 301 with `Location` and no body; otherwise 1012007 with HTTP 404", pns.Inferred, "D75"},
	{"Stop call", "Accepted from apps of every mode, never 1010040; `sessionid` (String(1-256)) then `signal` (exactly `call_stop`) → else 1010002 naming it; a call of another app, an unknown or an ended call → 1012007 (HTTP 403)", pns.Inferred, "D79, D80"},
	{"Stop call", "A live call ends at once in any state: `disconnect` with `stateCode` 8017 `Released by customer.`, no later events, fee record with `ulFailReason` 8017, recording cut at that instant", pns.Inferred, "D81"},
	{"Admin", "`/emulator/v1/` has no authentication: the emulator listens on 127.0.0.1:8080 by default and warns when bound elsewhere", pns.Inferred, "—"},
	{"Admin", "`POST reset` clears bindings, lockouts, remembered nonces and flow-control counters; configuration, X statuses, faults and the clock stay", pns.Inferred, "—"},
	{"Admin", "Faults per interface ID or `*`: `latencyMs` (wall clock), `errorRate` with `resultcode` (default 1010001), `closeRate`; rolls use a generator seeded with `seed`, so a sequential run is reproducible", pns.Inferred, "—"},
	{"Clocks", "Lockout windows and binding expiry use the emulator clock (`clockScale`, `POST clock/advance`, `POST clock/scale`); authentication skew, nonce replay and flow control use the wall clock", pns.Inferred, "D76"},
}

// ValidationOrder lists, per body interface, the order in which fields are validated (the
// first defective field is the one named in 1010002). A test derives the same lists from the
// decoders by sending bodies in which every field is defective. The modes' rows come from
// their entries, in the order of pns.Modes; the stop call, of no mode, comes last.
var ValidationOrder = append(appendModeRows(nil, func(f modeFidelity) []FieldOrder { return f.fieldOrder }),
	FieldOrder{pns.IfaceStopCall, []string{"sessionid", "signal"}})

// FieldOrder is one row of ValidationOrder: a body interface and its fields in the order
// they are validated.
type FieldOrder struct {
	// Interface is the interface ID (pns.Iface…).
	Interface string
	// Fields are the body's fields as spelled in the API, the first validated first.
	Fields []string
}

// AdminEndpoints documents the built-in admin endpoints: method and path, body, answer.
var AdminEndpoints = [][3]string{
	{"GET /emulator/v1/health", "—", "`{\"status\":\"ok\",\"now\":…,\"apps\":N}`"},
	{"POST /emulator/v1/reset", "—", "clears bindings, lockouts, nonces, flow-control counters and runs the OnReset hooks"},
	{"GET /emulator/v1/clock", "—", "`{\"now\":\"yyyy-MM-dd HH:mm:ss\",\"scale\":F,\"offsetSeconds\":S}`"},
	{"POST /emulator/v1/clock/advance", "`{\"seconds\":N}` (0-315360000, fractions allowed)", "clock state; due timers have run and expired bindings are purged"},
	{"POST /emulator/v1/clock/scale", "`{\"scale\":F}` (0 < F ≤ 1000000)", "clock state"},
	{"GET /emulator/v1/bindings?app=KEY", "—", "`{\"axb\":[…],\"ax\":[…],\"axe\":[…]}`, elements as in the query answers plus `app` (and `expiresAt`); all apps without `app`"},
	{"GET /emulator/v1/invariants", "—", "`{\"violations\":[]}` (HTTP 200 even when not empty)"},
	{"GET /emulator/v1/faults", "—", "current `{\"seed\":N,\"faults\":[…]}`"},
	{"POST /emulator/v1/faults", "`{\"seed\":N,\"faults\":[{\"interface\":\"axb.bind\"\\|\"*\",\"latencyMs\":0,\"errorRate\":0.1,\"resultcode\":\"1010001\",\"closeRate\":0}]}`", "replaces the fault set"},
	{"DELETE /emulator/v1/faults", "—", "removes every fault"},
	{"GET /emulator/v1/lockout", "—", "`{\"enabled\":true,\"locked\":{\"127.0.0.1\":\"until (UTC)\"}}`"},
	{"POST /emulator/v1/lockout", "`{\"enabled\":true\\|false}`", "switches the lockout and clears its counters"},
	{"DELETE /emulator/v1/lockout", "—", "clears every failure count and lock"},
	{"GET /emulator/v1/config", "—", "effective configuration (YAML key names) with app secrets replaced by `***`"},
	{"GET /metrics", "—", "Prometheus: `pns_emulator_requests_total{interface,resultcode}`, `pns_emulator_request_duration_seconds{interface}`, `pns_emulator_auth_failures_total{resultcode}`, `pns_emulator_lockouts_total`, `pns_emulator_local_time_as_utc_total`, `pns_emulator_panics_total`, `pns_emulator_faults_injected_total{interface,kind}`"},
}

// FidelityMarkdown renders docs/fidelity.md.
func FidelityMarkdown() string {
	var b strings.Builder
	b.WriteString("# Emulator fidelity: HTTP layer\n\n")
	b.WriteString("<!-- Generated from emulator/fidelity.go by `go test ./emulator -run TestFidelityDoc -update`; do not edit. -->\n\n")
	b.WriteString("How the emulator's HTTP layer (routing, authentication, validation, responses, admin) behaves, with the\n")
	b.WriteString("confidence tag of the contract ([contract.md](contract.md)): **V** documented by Huawei, **C** seen in\n")
	b.WriteString("real clients, **I** inferred or chosen for the emulator (a scenario asserting it carries `@decision:Dn` and\n")
	b.WriteString("never fails a platform that decided otherwise).\n")
	b.WriteString("Business rules (X selection, reuse, capacity, expiry) are the store's and follow §3-§5 and §13.\n\n")
	b.WriteString("| Area | Behaviour | Tag | Reference |\n|---|---|---|---|\n")
	for _, f := range FidelityTable {
		fmt.Fprintf(&b, "| %s | %s | [%s] | %s |\n", f.Area, strings.ReplaceAll(f.Behaviour, "|", "\\|"), f.Tag, f.Decisions)
	}
	b.WriteString("\n## The alternative decisions (`--decisions alternative`)\n\n")
	b.WriteString("`harness emulate --decisions alternative` (config key `decisions: alternative`) answers these\n")
	b.WriteString("decisions the other way the contract allows; every other decision answers as above. It is a\n")
	b.WriteString("second, differently-decided platform: the test suite runs the whole conformance suite against\n")
	b.WriteString("it in `--target` mode and requires 0 failed scenarios, which proves that a scenario asserting\n")
	b.WriteString("one of these answers carries its `@decision:` tag and cannot fail your platform for it.\n\n")
	b.WriteString("| Decision | Topic | Default | Alternative |\n|---|---|---|---|\n")
	for _, a := range AlternativeDecisions {
		d, _ := pns.DecisionByID(a.ID)
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", a.ID, strings.ReplaceAll(d.Topic, "|", "\\|"), a.Default, a.Alternative)
	}
	b.WriteString("\n## Field validation order (body interfaces)\n\n")
	b.WriteString("The first defective field in this order is the one named in `1010002 Invalid request. <field>`; cross-field\n")
	b.WriteString("rules (A ≠ B, callbackTone + callbackNum) come after all single fields. Where `subscriptionId` is an\n")
	b.WriteString("alternative key, the fields it replaces are read only when it is absent. Query interfaces (unbind, query,\n")
	b.WriteString("recording download) check their parameter combination first, then the chosen parameters in table order.\n\n")
	b.WriteString("| Interface | Order |\n|---|---|\n")
	for _, v := range ValidationOrder {
		fmt.Fprintf(&b, "| `%s` | %s |\n", v.Interface, "`"+strings.Join(v.Fields, "`, `")+"`")
	}
	b.WriteString("\n## Admin interface\n\n")
	b.WriteString("No PNS authentication: keep the emulator on loopback. Answers are JSON; a bad request is HTTP 400\n")
	b.WriteString("`{\"error\": \"...\"}`. Other components add endpoints with `Emulator.HandleAdmin`.\n\n")
	b.WriteString("| Method and path | Body | Answer |\n|---|---|---|\n")
	for _, a := range AdminEndpoints {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", a[0], a[1], a[2])
	}
	b.WriteString("\n## Configuration defaults (§14.2)\n\n")
	b.WriteString("| Setting | Default |\n|---|---|\n")
	for _, s := range [][2]string{
		{"authSkewSeconds", fmt.Sprint(DefaultAuthSkewSeconds)}, {"tolerateLocalTimeAsUTC", DefaultLocalTimeOffset + " (empty = off)"},
		{"rejectNonceReplay", "false"}, {"lockoutEnabled", "true"}, {"lockoutFailures", fmt.Sprint(DefaultLockoutFailures)},
		{"lockoutWindowSeconds", fmt.Sprint(DefaultLockoutWindowSeconds)}, {"lockoutSeconds", fmt.Sprint(DefaultLockoutSeconds)},
		{"callbackTimeoutSeconds", fmt.Sprint(DefaultCallbackTimeoutSeconds)}, {"feeBatchWindowSeconds", fmt.Sprint(DefaultFeeBatchWindowSeconds)},
		{"feeBatchMax", fmt.Sprint(DefaultFeeBatchMax)}, {"statusBatchMax", fmt.Sprint(DefaultStatusBatchMax)}, {"clockScale", "1"}, {"shortConnections", "false"}, {"tls", "false"},
		{"hostName", DefaultHostName}, {"maxBodyBytes", fmt.Sprint(DefaultMaxBodyBytes)},
		{"apps[].legacyWSSE / recording / sms / smsIncludeContent", "true"}, {"apps[].callbackAuth", "aksk"},
		{"apps[].extensionDigits", fmt.Sprint(DefaultExtensionDigits)}, {"apps[].maxPairsPerX", fmt.Sprint(DefaultMaxPairsPerX)},
		{"apps[].maxRelationsPerY", fmt.Sprint(DefaultMaxRelationsPerY)},
		{"apps[].qpsLimit", "0 (off)"}, {"apps[].flowControl", "none (off)"}, {"apps[].spId", "the appKey"}, {"pool[].status", StatusNormal}, {"pool[].sms", "true"},
	} {
		fmt.Fprintf(&b, "| `%s` | %s |\n", s[0], s[1])
	}
	return b.String()
}
