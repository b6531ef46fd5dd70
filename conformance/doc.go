// Package conformance runs the Gherkin features of package features against a PNS platform —
// the pns-harness emulator or Huawei's real Private Number Service — with godog, and builds
// the coverage matrix (interfaces × parameter rules × result codes → scenarios).
//
// # Checks made in every scenario
//
//   - Every answer of a provisioning interface is validated against its JSON Schema (package
//     schemas) as soon as it arrives; call events and fee records of simulated calls against the
//     notification schemas, both as the simulator reports them and as they arrive at the
//     receiver (see Push sources).
//   - "the result code is" asserts resultcode strictly and the HTTP status exactly where the
//     code/status pair is [V] in reference §1.6 or the target is the emulator, otherwise only its
//     class. resultdesc is asserted only against the emulator (§12).
//   - No false negatives: when a scenario expects 1010002, its request must violate the request
//     schema ("test data is wrong: payload is valid against <schema> but the scenario expects
//     rejection"); scenarios tagged @schema-valid test rules a schema cannot express (A = B, tone
//     approval, Content-Type, the app's extension length) and their request must be valid.
//
// # Tags
//
//   - @axb.bind, @ax.query, … (pns interface IDs), @authentication, @callbacks: what a scenario
//     covers; @code:<resultcode> and @rule:<kind>:<field> say which code and rule (see Rules;
//     @callbacks has the §7.4 sequences and the delivery:… rules of what arrives at the URLs).
//   - @emulator: emulator-specific behaviour ([I] decisions of §14) or emulator control (clock,
//     faults, lockout, simulated calls). Against another target these scenarios are skipped and
//     reported as skipped.
//   - @global-state: the scenario changes emulator-wide state (clock, faults, lockout); it runs
//     exclusively even with Options.Concurrency > 1.
//   - @auth-negative: a deliberate authentication failure (see below).
//
// # Step vocabulary
//
// Context: `Given the AXB app` (any app name of the profile), `an AXB binding of "<A1>" and
// "<B1>" on "<X1>"`, `an AX binding of "<A1>" on "<X1>"`, `an AXE binding of "<A1>" on "<X1>"`,
// `an AXB binding with:` + JSON, `3 AXB bindings on "<X1>"`, `"<A1>" holds 5 AX bindings`,
// `the next request has header "H" set to '…'`, `the next request has no header "H"`, `the next
// request is signed with X-WSSE`, `… with the secret "s"`, `… uses the app key "k"`, `the next
// request's Created is -86400 seconds from now`, `the next request's Nonce is "…"`, `the
// emulator clock advances by N seconds`, `the emulator lockout is on`, `the emulator answers
// every "record.download" request with result code "1023001"`.
//
// Actions: `I bind AXB with:` + JSON (also modify; AX, AXE), `I query AXB with "relationNum=<X1>"`
// (also unbind; `with no parameters`), `I set the AX temporary callee with:`, `I request the
// recording download with "…"`, `I send POST "/path" with body:`, `"<C1>" calls "<X1>"` (with:
// + options such as {"outcome":"busy"}), `"<A1>" sends the SMS "hello" to "<X1>"`.
//
// Outcomes: `the result code is "1012010"`, `the HTTP status is 403`, `the result description is
// "…"`, `the response matches its schema`, `the response field "relationNumList.0.callerNum" is
// "<A1>"` (or a number, `true`/`false`, `is absent`, `is present`, `is not "…"`), `the response list "…" has N
// entries`, `the response field "relationNum" is one of the app's X numbers`, `… is an X number
// in area "0755"`, `the response is a redirect with a Location header`, `the AXB binding "<SUB1>"
// exists` / `does not exist`, `the call events are "callin, callout, …"`, `I remember the
// response field "fee.recordObjectName" as "REC"`.
//
// Notifications as they arrive (callback_delivery.feature; each step waits up to 20 s for the
// push and checks its signature, its schema, the receiver's answer, its URL and that it equals
// what the simulator reported): `the call's events arrive at the call-status URL in the order
// "callin, callout, …"` (events sharing a timestamp are compared in §7.4 order; afterwards the
// response is {"events":[…]} in that order), `the fee record of the call arrives at the fee URL`
// (times ordered as §8.3 allows and equal to the events' timestamps, numbers consistent with
// the events, 1-50 records; the response is the pushed body plus the call's record as "fee"),
// `the fee records of the scenario's calls arrive in one message`, `every push of the call is
// signed with X-AKSK by the app's key` (or X-WSSE), `every push of the call is first answered
// with HTTP 503` and `every push of the call is delivered again with the same body and a fresh
// signature` (the AXB-retry app, whose pushes the runner's receiver fails once), `the status of
// "<X1>" is set to "9"` (`… with cause "2"`; set back to "5" when the scenario ends), `a
// numStatus push for "<X1>" with status "9" arrives at the X-status URL` (`… and cause "2" …`),
// `the SMS notification arrives at the SMS notification URL`, `the SMS Block request arrives at
// the SMS control URL`, `the Location serves a WAV recording`. The pushed body becomes the
// response, so the response-field steps read it.
//
// # Push sources
//
// With an empty Options.Target the runner starts the embedded emulator together with two
// callback receivers (package receiver) and points every app's call-status, fee, X-status and
// SMS notification URL (and the AX apps' SMS control URL) at them, one path per notification
// type; the app RetryAppKey ("AXB-retry") gets a receiver that answers the first delivery of
// every body 503. Every scenario subscribes to the arrivals while it runs and matches its own
// by sessionId, smsIdentifier or X number, so scenarios stay isolated under Concurrency.
// Against an emulator given as Target, Options.Pushes (a PushSource such as a PushHub fed by
// the receiver's OnPush) supplies the arrivals; paths and nonces are then unknown and not
// checked, the re-push scenario skips when the receiver accepted the first delivery, and the
// Block scenario skips when the AX app has no SMS control URL. Without a push source the
// delivery scenarios skip at their first push step ("no push source").
//
// # Placeholders
//
// <A1>, <B2>, <C1>, <D1> are fresh mobile numbers from Profile.NumberBlocks (unique within a
// run, random start per run); <FIX1> a fresh fixed-line number; <X1>, <X2> distinct X numbers of
// the current app, handed out round robin over the run; <AXB.X1> an X of a named app; <NOTX> a
// number that is no app's X; <PAUSED_X> an X not in status normal; <appKey>; <SUB>, <SUB1>, … the
// subscriptionIds of the scenario's successful binds (<EXT>, <EXT1> for AXE extensions);
// <str:257>, <digits:29> generated strings; names saved with "I remember". In query strings every
// value is URL-escaped (+ → %2B); <raw:X1> inserts it unescaped. Bindings a scenario creates are
// unbound when it ends.
//
// # Authentication lockout (reference §2.6)
//
// The negative-authentication scenarios are tagged @auth-negative and live in
// authentication.feature, which always runs last. Against the emulator the runner switches the
// lockout off for the run (the embedded emulator is configured without it; an external one is
// told through POST /emulator/v1/lockout), and the single lockout scenario (@global-state)
// switches it on, checks 1020176, then switches it off and clears it. Against the real platform
// Profile.AuthFailurePause is slept before each negative scenario (run with Concurrency 1).
package conformance
