package pns

// RuleClass groups the rules of the contract by what a platform can get wrong about them, so
// that coverage and mutation scores can be read per kind of mistake (issue 22 names the
// classes that a suite checking only boundaries and codes misses).
type RuleClass string

// The classes of the rule inventory.
const (
	// ClassAuth: request authentication (§2 except the lockout): header syntax, digest,
	// Created, nonce, app key, allow-list, frozen account, flow control.
	ClassAuth RuleClass = "auth"
	// ClassLockout: the IP lockout after repeated authentication failures (§2.6, D8).
	ClassLockout RuleClass = "lockout"
	// ClassTransport: URIs, methods, headers, TLS and connections (§1.1-§1.3).
	ClassTransport RuleClass = "transport"
	// ClassValidation: request fields: presence, formats, lengths, ranges, enums, types,
	// precedence between identifiers (§1.4, §1.7 and the request tables of §3-§6).
	ClassValidation RuleClass = "validation"
	// ClassAnswer: what an answer carries: envelope, content type, HTTP status, result codes,
	// response fields and their absence (§1.5, §1.6, §12 and the response tables).
	ClassAnswer RuleClass = "answer"
	// ClassState: what a request does to the platform's state: bindings, expiry, X status,
	// isolation between apps, defaults (§3-§6 business rules, §13).
	ClassState RuleClass = "state"
	// ClassNotification: what the platform pushes to the customer and how (§7-§10).
	ClassNotification RuleClass = "notification"
	// ClassRecording: recording download and retention (§11.1).
	ClassRecording RuleClass = "recording"
	// ClassCallControl: the interfaces that steer calls and SMS (stop call §11.2, X-mode
	// callin §6.7, SMS control §10.3).
	ClassCallControl RuleClass = "callcontrol"
)

// RuleClasses lists every class in report order.
var RuleClasses = []RuleClass{ClassAuth, ClassLockout, ClassTransport, ClassValidation, ClassAnswer,
	ClassState, ClassNotification, ClassRecording, ClassCallControl}
