package docgen

import (
	"bytes"
	"fmt"
	"io/fs"
	"reflect"
	"sort"
	"strings"

	"github.com/pns-harness/pns-harness/profile"
)

// minimalProfile has one app and nothing else: what Normalize fills in is the default.
const minimalProfile = `apps:
  AXB: {appKey: k, appSecret: s}
`

// keyDoc is the user's documentation of one profile key: its meaning, and its default in
// words where the value a profile without the key gets would mislead (a 0 that means
// "unknown", a value derived from another key); empty Default means that value.
type keyDoc struct {
	Default, Meaning string
}

// profileDocs documents every key of the profile for its users, in their words: YAML keys,
// never the Go names of the fields behind them, and each default said once, in the Default
// column. Profile refuses to render a key missing here or an entry naming no key, so a new
// field cannot reach the reference undocumented.
var profileDocs = map[string]keyDoc{
	"target":   {"", "The platform's base URL, e.g. `https://pns.example.com`; `--target` overrides it."},
	"emulator": {"", "`true` when the target is the pns-harness emulator with its admin API: the scenarios tagged `@emulator`, which steer the emulator, then run. Must be `false` against any other platform."},
	"adminURL": {"`target` + `/emulator/v1`", "The emulator's admin API base URL."},
	"apps": {"required", "The apps by name, each with its credentials and numbers (see [Apps](#apps-appsname-name-being-axb-ax-axe-or-any-other-name)). " +
		"Conformance needs apps named `AXB`, `AX` and `AXE` (others, such as `AXB-2`, are optional); a load uses the app named like its mode, else the first app, by name, whose `mode` is that mode."},
	"numberBlocks":     {"", "Prefixes in global format (e.g. `+86138001`) that conformance pads with digits into fresh A and B mobile numbers."},
	"fixedLineBlocks":  {"", "Prefixes of fresh fixed-line numbers (e.g. `+86755`): `+86` and an area code without its leading 0."},
	"authFailurePause": {"`0s` (no pause)", "How long conformance waits before each scenario that fails authentication on purpose, to stay under a lockout threshold the platform does not publish."},
	"lockout":          {"— (not known)", "The platform's client-IP lockout, when known (see [Lockout](#lockout-lockout)): conformance then paces its deliberate authentication failures to stay below it."},
	"flowControl": {"— (not known)", "The platform's flow control in requests per second per app, when known: the load `harness run` chooses stays well below it, " +
		"an explicit rate above it is refused, and a load's cleanup sends at most half of it."},
	"numbers":     {"see [Load numbers](#load-numbers-numbersa-numbersb)", "The ranges a load's A and B numbers come from, one fresh pair per bind."},
	"allowRemote": {"", "Lets a load target a host that is not loopback, like `--allow-remote`; needs `maxRate`."},
	"maxRate": {"— (no ceiling: loopback targets only)", "The ceiling, in requests per second of every interface together and over all shards, that a load plan's peak may not exceed, like `--max-rate`: " +
		"the peak is sessions per second × requests per session (a bind-unbind session sends 2). Required with `allowRemote: true`."},
	"load":         {"", "The bind-unbind load `harness run --target` runs against this platform (see [below](#load-of-harness-run-load)); its flags override these keys."},
	"capabilities": {"— (everything offered)", "What the platform offers (see [Capabilities](#capabilities-capabilities)). Conformance scenarios of anything left out are \"not applicable\" instead of failing or counting as not checked."},

	"apps.NAME.mode":   {"the app's name up to a `-` (`AXB-2` is an AXB app)", "The app's binding mode: `AXB`, `AX` or `AXE`."},
	"apps.NAME.appKey": {"required", "The app's key, as the platform issued it."},
	"apps.NAME.appSecret": {"— (`appSecret` or `appSecretEnv` is required)", "The app's secret, written in the file. Prefer `appSecretEnv`, which keeps it out of the file. " +
		"The harness never writes a secret into its results or reports."},
	"apps.NAME.appSecretEnv":   {"", "The name of the environment variable that holds the app's secret, read when `appSecret` is empty."},
	"apps.NAME.xNumbers":       {"", "X numbers the harness may bind, one by one. A load names them in its binds; when neither `xNumbers` nor `xRanges` gives any, the platform chooses the X (steered by `areaCode` and `areaMatchMode`)."},
	"apps.NAME.xRanges":        {"", "Runs of consecutive X numbers the harness may bind (see [below](#runs-of-x-numbers-appsnamexranges)), in addition to `xNumbers`."},
	"apps.NAME.pausedXNumbers": {"— (those scenarios are skipped)", "X numbers of the app that are not in status normal, for the scenarios of result codes 1012008 and 1011002."},
	"apps.NAME.extensionDigits": {"`4` for an AXE app",
		"The length of the AXE app's extensions, 1 to 4 digits."},
	"apps.NAME.areaCode":      {"", "A city code (`0` and 2-3 digits) that steers the platform's choice of X when a load lists no X numbers."},
	"apps.NAME.areaMatchMode": {"— (the platform's default: strict)", "`\"0\"` strict (only an X of that city) or `\"1\"` not strict (the same province first, then any of the app's X numbers), with `areaCode`."},
	"apps.NAME.maxPerX":       {"`5000`", "How many AXB bindings one X number may carry at once: a load spreads its binds so that no X exceeds it."},

	"apps.NAME.xRanges[].from":     {"required", "The first X number of the run, in global format."},
	"apps.NAME.xRanges[].count":    {"required", "How many consecutive numbers the run has, `from` included."},
	"apps.NAME.xRanges[].cityCode": {"", "The city code every number of the run belongs to, when known."},

	"lockout.failures": {"— (give both keys or neither)", "How many authentication failures within `window` lock the client IP out (result code 1020176)."},
	"lockout.window":   {"— (give both keys or neither)", "The time over which the platform counts those failures."},

	"numbers.a.start": {"", "The first A number: a +86 mobile number in global format."},
	"numbers.a.count": {"", "How many consecutive A numbers, from `start` on, a load may use."},
	"numbers.b.start": {"", "The first B number: a +86 mobile number in global format, in a range apart from the A numbers'."},
	"numbers.b.count": {"", "How many consecutive B numbers, from `start` on, a load may use."},

	"load.modes":    {"every mode with an app", "The modes to load: a bind-unbind load each."},
	"load.rate":     {"`100`, lowered per mode to what the X numbers, `flowControl` and `maxRate` carry (the plan is printed)", "The bind rate per mode, in binds per second, like `harness run --rate`."},
	"load.duration": {"`5s`, or `--load-duration`", "How long each mode's load runs."},
	"load.hold":     {"`1s`, or `--hold`", "How long each binding is kept before its unbind."},

	"capabilities.modes":                {"all of them", "The modes the platform offers: the binding modes `AXB`, `AX`, `AXE` (only their apps are then required) and `X` (X-mode call control). Scenarios that use the app of a mode left out are not applicable."},
	"capabilities.sms":                  {"`true`", "Whether the platform relays SMS and pushes SMS notifications."},
	"capabilities.recording":            {"`true`", "Whether calls are recorded and their recordings can be downloaded."},
	"capabilities.xStatusNotifications": {"`true`", "Whether changes of an X number's status are pushed."},
	"capabilities.notifications":        {"all of them", "The notification kinds the platform pushes: " + backquoted(profile.NotificationKinds) + "."},
	"capabilities.stopCall":             {"`true`", "Whether the profile's apps may end calls with the stop call. Huawei documents it for AXYB apps (and AXE in 2019); say `false` when the platform refuses it to yours."},
	"capabilities.smsControl":           {"`true` when `sms` is", "Whether texts that need the customer's decision are pushed in Block mode to the app's SMS control URL and steered by its reply; say `false` when your platform relays SMS but never asks an SMS control URL."},
}

// backquoted renders names as a list of code spans: `a`, `b`.
func backquoted(names []string) string {
	return "`" + strings.Join(names, "`, `") + "`"
}

// Profile renders docs/profile.md, the reference of the profile YAML that `harness conform
// --profile`, `harness load --profile` and `harness run --profile` read: every key the
// profile types accept (by reflection, so none is forgotten), its type, its default (what
// profile.Parse gives a profile that omits it, unless profileDocs says it in words) and its
// meaning from profileDocs. srcFS is the profile package directory; its doc comments are for
// Go readers and stay out of the user's reference.
func Profile(srcFS fs.FS) ([]byte, error) {
	if _, err := fs.Stat(srcFS, "profile.go"); err != nil {
		return nil, fmt.Errorf("docgen: %w", err)
	}
	p, err := profile.Parse([]byte(minimalProfile))
	if err != nil {
		return nil, fmt.Errorf("docgen: %w", err)
	}
	var b bytes.Buffer
	b.WriteString(`# Profile reference

<!-- Generated by go test ./internal/docgen -update from the profile's types and the key
descriptions in internal/docgen/profile.go; do not edit. -->

A profile describes the platform under test: its apps (keys, secrets or the environment
variables holding them, X numbers), the number blocks fresh A and B numbers come from, the
platform's limits the harness must respect and the remote opt-in of a load. The same file
drives ` + "`harness conform`, `harness load` and `harness run`" + `, read by one strict loader
(unknown keys are errors). An example with every option explained is
[conformance/testdata/huawei-profile.example.yaml](../conformance/testdata/huawei-profile.example.yaml).
The default is what a profile that leaves the key out gets; "—" means none.

`)
	app := reflect.ValueOf(*p.Apps["AXB"])
	sections := []struct {
		title, prefix string
		typ           reflect.Type
		value         reflect.Value
	}{
		{"Top level", "", reflect.TypeFor[profile.Profile](), reflect.ValueOf(*p)},
		{"Apps (`apps.NAME`, NAME being AXB, AX, AXE, AXYB or any other name)", "apps.NAME.", reflect.TypeFor[profile.AppProfile](), app},
		{"Runs of X numbers (`apps.NAME.xRanges[]`)", "apps.NAME.xRanges[].", reflect.TypeFor[profile.XRange](), reflect.Value{}},
		{"Lockout (`lockout`)", "lockout.", reflect.TypeFor[profile.Lockout](), reflect.ValueOf(p.Lockout)},
		{"Load numbers (`numbers.a`, `numbers.b`)", "numbers.a.", reflect.TypeFor[profile.NumberRange](), reflect.ValueOf(p.Numbers.A)},
		{"", "numbers.b.", reflect.TypeFor[profile.NumberRange](), reflect.ValueOf(p.Numbers.B)},
		{"Load of harness run (`load`)", "load.", reflect.TypeFor[profile.LoadSettings](), reflect.ValueOf(p.Load)},
		{"Capabilities (`capabilities`)", "capabilities.", reflect.TypeFor[profile.Capabilities](), reflect.ValueOf(p.Capabilities)},
	}
	used := map[string]bool{}
	for i, sec := range sections {
		if sec.title != "" {
			fmt.Fprintf(&b, "## %s\n\n| Key | Type | Default | Meaning |\n|---|---|---|---|\n", sec.title)
		}
		for j := 0; j < sec.typ.NumField(); j++ {
			f := sec.typ.Field(j)
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "" || key == "-" || !f.IsExported() {
				continue
			}
			path := sec.prefix + key
			d, ok := profileDocs[path]
			if !ok {
				return nil, fmt.Errorf("docgen: profile key %s has no description in profileDocs", path)
			}
			used[path] = true
			def := d.Default
			if def == "" {
				def = "—"
				if sec.value.IsValid() {
					def = defaultOf(sec.value.Field(j))
				}
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", path, typeName(f.Type), def, mdCell(d.Meaning))
		}
		if i+1 == len(sections) || sections[i+1].title != "" {
			b.WriteString("\n")
		}
	}
	var stale []string
	for k := range profileDocs {
		if !used[k] {
			stale = append(stale, k)
		}
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		return nil, fmt.Errorf("docgen: profileDocs describes keys the profile does not have: %s", strings.Join(stale, ", "))
	}
	return b.Bytes(), nil
}
