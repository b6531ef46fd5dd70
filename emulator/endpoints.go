package emulator

import (
	"net/http"

	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
)

// endpoint is the emulator's side of one provisioning interface of pns.Interfaces. servePNS
// does what every interface shares (routing, injected faults, authentication, reading the body
// or query string) and then hands the request to the interface's endpoint.
//
// Exactly one of serve and raw is set.
type endpoint struct {
	// validate decodes and validates a request without touching the store, so that the
	// decoders can be fuzzed on their own.
	validate func(rd *reader, app *App) *pns.Error
	// serve validates a request, applies it to the store and returns the success body, which
	// servePNS writes as JSON with result code 0.
	serve func(e *Emulator, app *App, rd *reader) (any, *pns.Error)
	// raw answers the request itself, for an interface whose answer is not a JSON body (the
	// recording download's redirect); servePNS reads nothing for it.
	raw func(e *Emulator, w *respWriter, r *http.Request, app *App)
}

// modes is the emulator's one table of binding modes: one line per mode, naming the entry that
// the mode's own file (axb.go, ax.go, axe.go, axyb.go) declares with its endpoints, decoders,
// renderers, dump and fidelity rows; the mode's state and rules are the store's
// (emulator/store, its own table in modes.go). It is an explicit table rather than a
// registration from each file's init so that the list of modes is read in one place and its
// initialisation order is Go's, not the order of file names.
// TestModesCoverModes checks that every mode of pns.Modes has its entry.
var modes = map[pns.Mode]modeEntry{
	pns.ModeAXB:  axbMode,
	pns.ModeAX:   axMode,
	pns.ModeAXE:  axeMode,
	pns.ModeAXYB: axybMode,
}

// modeEntry is a binding mode's entry of modes.
type modeEntry struct {
	// endpoints serves the mode's interfaces, by interface ID.
	endpoints map[string]endpoint
	// dump renders the mode's bindings of a store dump into its list of the admin answer.
	dump func(d store.Dump, out *BindingsDump)
	// fidelity are the mode's rows of FidelityTable and ValidationOrder (fidelity.go).
	fidelity modeFidelity
	// stopCallListed is set for a mode whose interface menu lists the stop call, the only
	// modes that the alternative decisions let use it (D79, stopcall.go).
	stopCallListed bool
}

// modeFidelity is a mode's share of the fidelity document. fidelityTable places each kind of
// row after the shared rows of its topic, mode by mode in the order of pns.Modes, so that the
// document reads by topic rather than by mode.
type modeFidelity struct {
	// responses describe the mode's answers; they follow the shared "Responses" rows.
	responses []Fidelity
	// own is a block the mode keeps together (AXYB: its app_key, bind, selection, call and
	// expiry rules), after every mode's responses.
	own []Fidelity
	// validation are the mode's field-validation rules; they follow the shared
	// "Validation" rows.
	validation []Fidelity
	// fieldOrder are the rows of ValidationOrder of the mode's body interfaces.
	fieldOrder []FieldOrder
}

// BindingsDump is the answer of GET /emulator/v1/bindings: every live binding rendered as in
// the query answers, plus the owning app, one list per mode (each mode's dump fills its own).
type BindingsDump struct {
	AXB []DumpAXB `json:"axb"`
	AX  []DumpAX  `json:"ax"`
	AXE []DumpAXE `json:"axe"`
	// AXYB are the AXYB relations, each with its entries as the AXYB query lists them.
	AXYB []DumpAXYB `json:"axyb"`
}

// endpoints maps the identity of a pns.Interface (its mode, "" for the shared recording
// download, then its ID) to its endpoint: the modes' tables and the shared one.
// TestEndpointsCoverInterfaces checks that it and pns.Interfaces list the same interfaces.
var endpoints = func() map[pns.Mode]map[string]endpoint {
	out := map[pns.Mode]map[string]endpoint{"": sharedEndpoints}
	for m, e := range modes {
		out[m] = e.endpoints
	}
	return out
}()

// endpointFor returns the endpoint of an interface; ok is false for an interface the emulator
// does not serve.
func endpointFor(i pns.Interface) (endpoint, bool) {
	ep, ok := endpoints[i.Mode][i.ID]
	return ep, ok
}

// jsonEndpoint builds the endpoint of an interface answered with a JSON body: decode validates
// the request into the store's input type (the first error wins), apply calls the store and
// renders the success body. The two halves are typed by the same input, so a row cannot pair
// one interface's decoder with another's store call.
func jsonEndpoint[In any](decode func(*reader, *App) (In, *pns.Error), apply func(*Emulator, *App, In) (any, *pns.Error)) endpoint {
	return endpoint{
		validate: validateOnly(decode),
		serve: func(e *Emulator, app *App, rd *reader) (any, *pns.Error) {
			in, err := decode(rd, app)
			if err != nil {
				return nil, err
			}
			return apply(e, app, in)
		},
	}
}

// validateOnly drops the decoded value of a decoder, keeping its verdict.
func validateOnly[In any](decode func(*reader, *App) (In, *pns.Error)) func(*reader, *App) *pns.Error {
	return func(rd *reader, app *App) *pns.Error {
		_, err := decode(rd, app)
		return err
	}
}

// anyApp adapts a decoder whose checks do not depend on the app's settings (tones, extension
// length, decisions) to the shape every endpoint uses.
func anyApp[In any](decode func(*reader) (In, *pns.Error)) func(*reader, *App) (In, *pns.Error) {
	return func(rd *reader, _ *App) (In, *pns.Error) { return decode(rd) }
}

// ack adapts a store call whose result the answer does not carry (unbind, modify) to an
// endpoint's apply: the bare success envelope, or the store's error.
func ack[In, Out any](call func(*store.Store, string, In) (Out, *pns.Error)) func(*Emulator, *App, In) (any, *pns.Error) {
	return func(e *Emulator, app *App, in In) (any, *pns.Error) {
		if _, err := call(e.store, app.AppKey, in); err != nil {
			return nil, err
		}
		return successAnswer, nil
	}
}

// successAnswer is success() boxed once: returning the struct as an any allocated on every
// unbind and update (the answer is only read by the encoder).
var successAnswer any = success()
