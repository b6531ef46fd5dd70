package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/internal/bindjournal"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// The state of a run and of one scenario, its placeholders and its record. A scenario's
// exchanges with the platform are in worldsend.go, the bindings it made in worldbindings.go
// (split by noun for issue 23).

// runState is shared by all scenarios of one run; everything in it is safe for concurrent use.
type runState struct {
	target string
	prof   *Profile
	// profileFile is Options.ProfileFile, for the reproduce line's `harness sign` command.
	profileFile string
	emulator    bool
	slow        bool // run @slow scenarios against a non-emulator target
	val         *schemas.Validator
	httpc       *http.Client
	mobile      *numberSource
	fixed       *numberSource
	xs          map[string]*xSource
	secrets     map[string]string
	admin       *adminClient
	// pushes is where scenarios learn what arrived at the notification URLs (nil: the
	// push-delivery scenarios skip); ownPushes is true when they are the runner's own
	// receivers (paths, nonces and the failing retry app are known).
	pushes    feed
	ownPushes bool
	// replies are the own receivers' answers to Block requests (nil with another push
	// source: the scenarios that set them skip).
	replies *BlockReplies

	// global serialises @global-state scenarios against all others (write lock vs read locks).
	global sync.RWMutex

	// lifetime is what every bind not exempt carries (0: none); journal records every bind
	// and its outcome (nil without an output directory), jids numbers them (lifetime.go).
	lifetime time.Duration
	journal  *bindjournal.Writer
	jids     atomic.Uint64

	// ledger counts created bindings and their cleanup; guard paces and stops deliberate
	// authentication failures (guard.go).
	ledger ledger
	guard  authGuard
	// creds stops the run when the platform refuses an app's own credentials; deliberate is
	// set at the first deliberately broken request (guard.go).
	creds      pns.CredentialWatch
	deliberate atomic.Bool

	// stopOnFailure skips every scenario that starts after one failed (stopped is set by the
	// first failure's record).
	stopOnFailure bool
	stopped       atomic.Bool

	// known accepts listed failures; now dates its expiries; lines are the feature lines of
	// every scenario key (known-differences entries may name a scenario by file:line).
	known *KnownDifferences
	now   func() time.Time
	lines map[string][]int

	mu      sync.Mutex
	results map[string]*ScenarioResult
	order   []string
}

// Observation is one request of a scenario (results.Observation).
type Observation = results.Observation

// ScenarioResult is the outcome of one scenario (results.ScenarioResult).
type ScenarioResult = results.ScenarioResult

// world is the state of one scenario.
type world struct {
	rs      *runState
	key     string
	tags    map[string]bool
	app     string
	vars    map[string]string
	xUsed   map[string]bool
	nSubs   int
	nExt    int
	last    *exchange
	next    requestMods
	created []createdBinding
	obs     []Observation
	worst   godog.StepResultStatus
	errText string
	// excused is StateKnownDifference or StateDiffers when a failure was turned into a
	// skipped step, with why; notApplicable is set when a skip said errNotApplicable.
	excused       string
	why           string
	notApplicable bool
	// undo holds what the scenario set up outside the platform (Block replies) and removes
	// when it ends.
	undo []func()
	// faults and lockoutOn record emulator-global changes to undo when the scenario ends.
	faults    bool
	lockoutOn bool
	// scaleBefore is the emulator clock's speed before the scenario stopped it (0: not stopped).
	scaleBefore float64
	// unlock releases the run's global-state lock taken in the Before hook.
	unlock func()
	// authBefore is the run's authentication-failure count when the scenario started.
	authBefore int64
	// inbox holds the pushes arriving while the scenario runs (nil without a push source).
	inbox *inbox
	// batchX are the X numbers of the last "status of N X numbers" step.
	batchX []string
	// lastNonce is the Nonce of the last request sent (for the replay scenario).
	lastNonce string
	// sentAt is the wall-clock time the last request was sent.
	sentAt time.Time
	// call and sms are the last simulated call's and SMS's results.
	call map[string]any
	sms  map[string]any
	// calls are the sessionIds of the scenario's simulated calls, in order.
	calls []string
	// statusChanged are X numbers whose status the scenario changed (set back to normal at
	// the end).
	statusChanged []string
}

// requestMods alter the next request only (authentication scenarios).
type requestMods struct {
	set     map[string]string
	del     []string
	wsse    bool
	secret  string
	appKey  string
	created *time.Duration
	rawTime string
	nonce   string
	// digest, when set, computes the PasswordDigest instead of the correct function (the
	// client mistakes of reference §2.3).
	digest func(secret, nonce, created string) string
	// edit, when set, rewrites the signed headers last (insidesteps.go: an attribute name
	// spelled differently in an otherwise correct X-AKSK header).
	edit func(http.Header)
}

type createdBinding struct {
	app   string
	iface string
	id    string
	jid   uint64 // its bind's journal ID (0: not journaled)
}

// exchange is one request with its answer.
type exchange struct {
	app      string
	iface    pns.Interface
	routed   bool
	method   string
	path     string
	query    url.Values
	body     []byte
	resp     *pns.Response
	response map[string]any
	jid      uint64 // a bind's journal ID (0: not journaled)
	// curl reproduces the request from a shell (curlCommand), without its signature.
	curl string
}

func (w *world) appProfile(name string) (*AppProfile, error) {
	a := w.rs.prof.App(name)
	if a == nil {
		return nil, fmt.Errorf("%w: the profile has no app %q", godog.ErrSkip, name)
	}
	return a, nil
}

// useMode selects the app for a typed step of a mode: the current app if it has that mode,
// otherwise the profile's app named after the mode.
func (w *world) useMode(mode string) {
	if a := w.rs.prof.App(w.app); a != nil && string(a.Mode) == mode {
		return
	}
	w.app = mode
}

var (
	reFreshMobile = regexp.MustCompile(`^[A-D][0-9]*$`)
	reFreshFixed  = regexp.MustCompile(`^FIX[0-9]*$`)
	reNotX        = regexp.MustCompile(`^NOTX[0-9]*$`)
	reX           = regexp.MustCompile(`^(?:([A-Za-z0-9-]+)\.)?X([0-9]+)$`)
	rePausedX     = regexp.MustCompile(`^(?:([A-Za-z0-9-]+)\.)?PAUSED_X$`)
	reAppKey      = regexp.MustCompile(`^(?:([A-Za-z0-9-]+)\.)?appKey$`)
)

// resolve returns the value of a placeholder, allocating fresh numbers on first use.
func (w *world) resolve(name string) (string, error) {
	if v, ok := w.vars[name]; ok {
		return v, nil
	}
	if v, ok, err := generated(name); ok || err != nil {
		return v, err
	}
	var v string
	switch {
	case reFreshMobile.MatchString(name), reNotX.MatchString(name):
		v = w.rs.mobile.fresh()
	case reFreshFixed.MatchString(name):
		if w.rs.fixed == nil {
			return "", fmt.Errorf("%w: the profile has no fixedLineBlocks", godog.ErrSkip)
		}
		v = w.rs.fixed.fresh()
	case reX.MatchString(name):
		m := reX.FindStringSubmatch(name)
		app := m[1]
		if app == "" {
			app = w.app
		}
		if app == "" {
			return "", fmt.Errorf("placeholder <%s>: no app selected", name)
		}
		if _, err := w.appProfile(app); err != nil {
			return "", err
		}
		x, err := w.rs.xs[app].take(w.xUsed)
		if err != nil {
			return "", err
		}
		w.xUsed[x] = true
		v = x
	case rePausedX.MatchString(name):
		app := rePausedX.FindStringSubmatch(name)[1]
		if app == "" {
			app = w.app
		}
		a, err := w.appProfile(app)
		if err != nil {
			return "", err
		}
		if len(a.PausedXNumbers) == 0 {
			return "", fmt.Errorf("%w: app %s has no pausedXNumbers in the profile", godog.ErrSkip, app)
		}
		v = a.PausedXNumbers[0]
	case reAppKey.MatchString(name):
		app := reAppKey.FindStringSubmatch(name)[1]
		if app == "" {
			app = w.app
		}
		a, err := w.appProfile(app)
		if err != nil {
			return "", err
		}
		v = a.AppKey
	default:
		return "", fmt.Errorf("placeholder <%s> is not defined", name)
	}
	w.vars[name] = v
	return v, nil
}

func (w *world) fill(s string) (string, error) { return substitute(s, w.resolve, nil) }

// fillJSON substitutes placeholders inside JSON text; values are JSON-escaped so that a value
// can never break the document's structure.
func (w *world) fillJSON(s string) (string, error) {
	return substitute(s, w.resolve, func(v string) string {
		b, _ := json.Marshal(v)
		return string(b[1 : len(b)-1])
	})
}

// field looks a dotted path ("relationNumList.0.callerNum") up in the last JSON answer.
func field(doc map[string]any, path string) (any, bool) {
	var cur any = doc
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func (w *world) lastExchange() (*exchange, error) {
	if w.last == nil {
		return nil, errors.New("no request has been sent in this scenario")
	}
	return w.last, nil
}

// hasTag reports whether the scenario carries a tag (with its @).
func (w *world) hasTag(t string) bool { return w.tags[t] }

// record stores the scenario's final state in the run's results.
func (w *world) record(sc *godog.Scenario) {
	status := "passed"
	switch w.worst {
	case godog.StepFailed, godog.StepAmbiguous:
		status = "failed"
	case godog.StepUndefined:
		status = "undefined"
	case godog.StepPending:
		status = "pending"
	case godog.StepSkipped:
		status = "skipped"
	}
	tags := make([]string, 0, len(w.tags))
	for t := range w.tags {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	errText := w.errText
	if status == "skipped" { // "before scenario hook failed: skipped: <reason>" → "<reason>"
		if i := strings.LastIndex(errText, "skipped: "); i >= 0 {
			errText = errText[i+len("skipped: "):]
		}
	}
	res := &ScenarioResult{Key: w.key, Feature: sc.Uri, Name: sc.Name, Tags: tags, Status: status,
		Error: errText, Observations: w.obs, Decisions: Decisions(tags)}
	switch {
	case w.excused != "":
		res.Status, res.State, res.Reason = "skipped", w.excused, w.why
	case status == "passed":
		res.State = StatePassed
	case status == "skipped" && w.notApplicable:
		res.State, res.Reason = StateNotApplicable, strings.TrimPrefix(errText, errNotApplicable.Error()+": ")
	case status == "skipped":
		res.State, res.Reason = StateNotChecked, errText
	default:
		res.State, res.Reason = StateFailed, firstLine(errText)
		if res.Reason == "" {
			res.Reason = status
		}
	}
	if res.State == StateFailed && w.rs.stopOnFailure {
		w.rs.stopped.Store(true)
	}
	w.rs.mu.Lock()
	if _, dup := w.rs.results[w.key]; !dup {
		w.rs.order = append(w.rs.order, w.key)
	}
	w.rs.results[w.key] = res
	w.rs.mu.Unlock()
}

// statusRank orders step statuses from best to worst for the scenario summary.
func statusRank(s godog.StepResultStatus) int {
	switch s {
	case godog.StepPassed:
		return 0
	case godog.StepSkipped:
		return 1
	case godog.StepPending:
		return 2
	case godog.StepUndefined:
		return 3
	default: // failed, ambiguous
		return 4
	}
}

// scenarioKey identifies a scenario (an outline row has its substituted name).
func scenarioKey(uri, name string) string { return uri + ":" + name }
