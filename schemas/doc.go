// Package schemas holds the JSON Schema (Draft 2020-12) documents of every PNS payload in the
// first scope, embedded in the binary, and a validator for them.
//
// There is one schema per payload, named "<interface>.<request|response>" after its file in
// json/ (e.g. "axb-bind.request", "callback-fee.request"); SchemaFor maps the harness's interface
// IDs ("axb.bind", "callback.fee", …) to these names. Query-string requests (unbind, query,
// recording download) have a schema for their decoded parameter object, in which every value is
// a string. The schemas follow reference §1.4-§1.7, §3-§5 and §7-§11 of
// /work/shared/reference/pns-api.md; README.md lists the choices where the reference is silent.
//
// The number and time rules are custom formats (pns-number, pns-x-number, pns-ab-number,
// pns-callee-number, pns-utc-time, pns-created, pns-int-literal) implemented here with the
// regular expressions of reference §1.4, independently of package pns; a test cross-checks both.
//
// A Validator is compiled once (New or Default) and is safe for concurrent use. Validate returns
// the failed leaves of a validation as Violations sorted by instance path, keyword path and
// message; a malformed body is a single violation, not an error.
//
// For checking many bodies one after the other (the load generator checks every answer), a
// Tape decodes a body into reused memory and validates it with validators generated from the
// schemas (compiled_tape_gen.go), allocating nothing for a valid body; a differential fuzz test
// holds them to the reference validator.
package schemas
