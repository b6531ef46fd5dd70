package reports

import (
	"math"
	"os"
	"testing"
	"time"
)

// The secret-looking values of the fixture profile: no report may contain them.
const (
	fixtureAppSecret = "S3cr3t-AppSecret-do-not-leak-7f3a"
	fixturePassword  = "hunter2-Passw0rd-9c1e"
	fixtureToken     = "tok_live_4b1d8e0c2f"
)

// fixtureProfile imitates a run profile: a secret tagged explicitly, one recognisable by its
// name only, and a nested map holding a token.
type fixtureProfile struct {
	Name      string        `yaml:"name"`
	BaseURL   string        `yaml:"baseURL"`
	AppKey    string        `yaml:"appKey"`
	AppSecret string        `yaml:"appSecretValue" secret:"true"`
	Signing   string        `yaml:"signing"`
	Timeout   time.Duration `yaml:"timeout"`
	Proxy     struct {
		User     string `yaml:"user"`
		Password string `yaml:"pass"`
	} `yaml:"proxy"`
	Headers  map[string]string `yaml:"headers"`
	Scenario []string          `yaml:"scenarios"`
	internal string
}

func newFixtureProfile() fixtureProfile {
	p := fixtureProfile{
		Name:      "emulator-smoke",
		BaseURL:   "https://user:" + fixturePassword + "@127.0.0.1:18443/?access_token=" + fixtureToken,
		AppKey:    "app-0001",
		AppSecret: fixtureAppSecret,
		Signing:   "X-AKSK",
		Timeout:   5 * time.Second,
		Headers:   map[string]string{"X-Api-Token": fixtureToken, "X-Trace": "on"},
		Scenario:  []string{"axb-steady", "ax-step"},
		internal:  fixtureAppSecret,
	}
	p.Proxy.User = "proxy"
	p.Proxy.Password = fixturePassword
	return p
}

func pct(p50 time.Duration, f float64) Percentiles {
	return Percentiles{
		P50:  p50,
		P90:  time.Duration(float64(p50) * 1.9 * f),
		P99:  time.Duration(float64(p50) * 4.2 * f),
		P999: time.Duration(float64(p50) * 7.5 * f),
		Max:  time.Duration(float64(p50) * 12.1 * f),
	}
}

// fixtureSummary builds a realistic, deterministic summary: the conformance section from
// testdata/cucumber.json, two load scenarios, callbacks, thresholds and a baseline. Start and
// machine are real (time.Now, CurrentMachine) so that golden tests must normalise them.
func fixtureSummary(t testing.TB) *Summary {
	t.Helper()
	f, err := os.Open("testdata/cucumber.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	scenarios, err := ParseCucumberJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().UTC()
	prof := newFixtureProfile()
	s := &Summary{
		Manifest: Manifest{
			HarnessVersion: "v0.3.0-12-gabc1234",
			TargetURL:      prof.BaseURL,
			Profile:        prof.Name,
			Settings:       Redact(prof),
			SchemaHash:     "sha256:4f2c9d0e1b7a3c5d6e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f",
			FeatureHash:    "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f4f2c9d0e1b7a3c5d6e8f9",
			Start:          start,
			End:            start.Add(7*time.Minute + 12*time.Second),
			Seed:           1732680000,
			Machine:        CurrentMachine(),
		},
		Conformance: NewConformance(scenarios, []CoverageRow{
			{Interface: "axb.bind", Item: "0", Kind: KindCode, Description: "Success", Scenarios: []string{"Bind A and B to a free X number"}, Status: CoverageCovered},
			{Interface: "axb.bind", Item: "1010002", Kind: KindCode, Description: "Invalid request. <field>", Scenarios: []string{`Reject an invalid caller number "13800000001"`, `Reject an invalid caller number "+86abc"`}, Status: CoverageCovered},
			{Interface: "axb.bind", Item: "1012010", Kind: KindCode, Description: "The relation number has been bound.", Status: CoverageMissing, Reason: "no scenario binds the same A twice on one X"},
			{Interface: "axb.bind", Item: "1012102", Kind: KindCode, Description: "The number is contained in the blacklist.", Status: CoverageNotReachable, Reason: "never sent in the first scope (reference §12)"},
			{Interface: "axb.bind", Item: "13.1-x-reuse", Kind: KindRule, Description: "A real number in at most one binding per X", Scenarios: []string{"Bind A and B to a free X number"}, Status: CoverageCovered},
			{Interface: "ax.query", Item: "0", Kind: KindCode, Description: "Success", Scenarios: []string{"Query an existing AX binding"}, Status: CoverageCovered},
			{Interface: "auth", Item: "1010013", Kind: KindCode, Description: "Time out limit.", Scenarios: []string{"A Created time outside the window is rejected"}, Status: CoverageCovered},
			{Interface: "auth", Item: "1020176", Kind: KindCode, Description: "Authentication failed, try again later", Status: CoverageNotReachable, Reason: "lockout disabled in this profile to keep the run usable"},
		}),
		Load: &Load{Scenarios: []LoadScenario{steadyScenario(), stepScenario()}},
		Callbacks: &Callbacks{
			Expected: 1212,
			Received: 1210,
			Events: []CallbackType{
				{Event: "callin", Count: 200, Latency: pct(38*time.Millisecond, 1)},
				{Event: "alerting", Count: 200, Latency: pct(41*time.Millisecond, 1)},
				{Event: "answer", Count: 190, Latency: pct(40*time.Millisecond, 1)},
				{Event: "disconnect", Count: 200, Latency: pct(44*time.Millisecond, 1.1)},
				{Event: "fee", Count: 198, Latency: pct(1200*time.Millisecond, 1)},
				{Event: "numStatus", Count: 12, Latency: pct(55*time.Millisecond, 1)},
				{Event: "sms", Count: 210, Latency: pct(61*time.Millisecond, 1)},
			},
			Counters: CallbackCounters{Missing: 2, Duplicate: 1, Late: 3},
		},
		Thresholds: []Threshold{
			{Expression: "conformance.failed == 0", Observed: 2, Unit: UnitCount, Passed: false, Message: "2 scenarios failed"},
			{Expression: "load.axb-steady.achievedRate >= 0.95 * target", Observed: 198.6, Unit: UnitRate, Passed: true},
			{Expression: "load.axb-steady.axb.bind.p99 < 50ms", Observed: float64(21 * time.Millisecond), Unit: UnitNanoseconds, Passed: true},
			{Expression: "load.ax-step.ax.query.p99 < 50ms", Observed: float64(61300 * time.Microsecond), Unit: UnitNanoseconds, Passed: false, Message: "step 4 (800 req/s) saturates the target"},
			{Expression: "load.*.successRatio >= 0.999", Observed: 0.99931, Unit: UnitRatio, Passed: true},
			{Expression: "callbacks.missing <= 5", Observed: 2, Unit: UnitCount, Passed: true},
		},
	}
	base := &Summary{
		Manifest: Manifest{HarnessVersion: "v0.2.0", Start: start.Add(-24 * time.Hour)},
		Load:     &Load{Scenarios: []LoadScenario{steadyScenario(), stepScenario()}},
	}
	b := &base.Load.Scenarios[0].Interfaces[0] // axb.bind: baseline was faster
	b.Corrected.P99 = b.Corrected.P99 * 3 / 4
	b2 := &base.Load.Scenarios[1].Interfaces[0] // ax.bind: baseline delivered more
	b2.AchievedRate *= 1.1
	b2.SuccessRatio = 1
	s.SetBaseline("summary-v0.2.0.json", base)
	return s
}

// steadyScenario is a 60 s constant-rate AXB run at 200 req/s with a latency bump at 30 s.
func steadyScenario() LoadScenario {
	const seconds = 60
	ls := LoadScenario{
		Name:         "axb-steady",
		Primary:      "axb.bind",
		Description:  "AXB bind, query and unbind at a constant 200 req/s for 60 s",
		TargetRate:   200,
		AchievedRate: 198.6,
		ShortfallPct: ShortfallPct(200, 198.6),
		Duration:     seconds * time.Second,
		Requests:     11916,
		SuccessRatio: 0.99931,
		Cleanup:      &LoadCleanup{Bound: 3972, Unbound: 3970, Removed: 2},
	}
	for i := 1; i <= seconds; i++ {
		bump := math.Exp(-math.Pow(float64(i-30)/3, 2))
		p := SeriesPoint{
			T:            time.Duration(i) * time.Second,
			TargetRate:   200,
			AchievedRate: 200 - 9*bump - float64(i%3)*0.4,
			SuccessPct:   100 - 0.6*bump,
			P50:          time.Duration((3.8 + 1.5*bump + 0.1*float64(i%4)) * float64(time.Millisecond)),
			P99:          time.Duration((14 + 30*bump + 0.7*float64(i%5)) * float64(time.Millisecond)),
		}
		if i >= 29 && i <= 31 {
			p.ConformanceErrors = 1
		}
		// Per interface: binds every second, unbinds from the second on (after the hold);
		// the requests in flight follow the rate and the latency (Little's law).
		ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
		p.Interfaces = []InterfacePoint{{Interface: "axb.bind", Requests: int64(math.Round(p.AchievedRate)),
			P50: ms(4 + 1.5*bump), P95: ms(9 + 20*bump), P99: ms(14 + 30*bump)}}
		if i > 1 && i != 45 { // second 45 has no unbind: the chart breaks its lines there
			p.Interfaces = append(p.Interfaces, InterfacePoint{Interface: "axb.unbind", Requests: int64(math.Round(p.AchievedRate)),
				P50: ms(3 + bump), P95: ms(7 + 10*bump), P99: ms(11 + 15*bump)})
		}
		p.InFlight = math.Round(p.AchievedRate*2*(4+1.5*bump)) / 1000
		ls.Series = append(ls.Series, p)
	}
	ls.Interfaces = []InterfaceLoad{
		{Interface: "axb.bind", Requests: 3972, TargetRate: 66.7, AchievedRate: 66.2, SuccessRatio: 0.9990, Service: pct(4100*time.Microsecond, 1), Corrected: pct(4300*time.Microsecond, 1.15),
			ResultCodes: []CodeStats{
				{Code: "0", Count: 3968, Service: pct(4100*time.Microsecond, 1), Corrected: pct(4300*time.Microsecond, 1.15)},
				{Code: "1012008", Count: 4, Service: pct(2900*time.Microsecond, 1), Corrected: pct(3000*time.Microsecond, 1)},
			}},
		{Interface: "axb.query", Requests: 3972, TargetRate: 66.7, AchievedRate: 66.2, SuccessRatio: 1, Service: pct(2200*time.Microsecond, 1), Corrected: pct(2300*time.Microsecond, 1.1),
			ResultCodes: []CodeStats{{Code: "0", Count: 3972, Service: pct(2200*time.Microsecond, 1), Corrected: pct(2300*time.Microsecond, 1.1)}}},
		{Interface: "axb.unbind", Requests: 3972, TargetRate: 66.7, AchievedRate: 66.2, SuccessRatio: 0.9992, Service: pct(3100*time.Microsecond, 1), Corrected: pct(3200*time.Microsecond, 1.1),
			ResultCodes: []CodeStats{
				{Code: "0", Count: 3969, Service: pct(3100*time.Microsecond, 1), Corrected: pct(3200*time.Microsecond, 1.1)},
				{Code: "1012007", Count: 3, Service: pct(1900*time.Microsecond, 1), Corrected: pct(2000*time.Microsecond, 1)},
			}},
	}
	ls.ResultCodes = []CodeCount{
		{Code: "0", Description: "Success", Count: 11909},
		{Code: "1012008", Description: "Insufficient number of resources", Count: 4},
		{Code: "1012007", Description: "The record does not exist.", Count: 3},
	}
	ls.Histogram = logHistogram(11916, 3.9e6)
	ls.Steps = []LoadStep{{
		Index: 1, TargetRate: 200, AchievedRate: 198.6, Duration: seconds * time.Second, Requests: 11916,
		SuccessRatio: 0.99931, P99: 19 * time.Millisecond, ConformanceErrors: 3,
		Violations: []ViolationCount{{Interface: "axb.bind", SchemaViolation: SchemaViolation{InstancePath: "/subscriptionId", KeywordPath: "axb.bind.response.json#/required", Message: "missing property 'subscriptionId'"}, Count: 3}},
	}}
	return ls
}

// stepScenario is an AX run in four 30 s steps up to 800 req/s where the last step falls
// short and starts returning flow-control errors.
func stepScenario() LoadScenario {
	rates := []float64{100, 200, 400, 800}
	achieved := []float64{100, 199.8, 398.9, 688.2}
	ls := LoadScenario{
		Name:        "ax-step",
		Primary:     "ax.bind",
		Description: "AX bind and query in steps of 30 s: 100, 200, 400, 800 req/s",
		Duration:    120 * time.Second,
		// A merge that lost a value: the schema and the golden file carry mergeDropped.
		MergeDropped: []MergeDropped{{Histogram: "ax.bind code 0 service", Values: 1}},
	}
	var sumT, sumA float64
	for i, r := range rates {
		sumT += r * 30
		sumA += achieved[i] * 30
		st := LoadStep{
			Index: i + 1, TargetRate: r, AchievedRate: achieved[i], Duration: 30 * time.Second,
			Requests: int64(achieved[i] * 30), SuccessRatio: 1, P99: time.Duration(12+i*i*9) * time.Millisecond,
		}
		if i == 3 {
			st.SuccessRatio = 0.9957
			st.ConformanceErrors = 14
			st.Violations = []ViolationCount{
				{Interface: "ax.query", SchemaViolation: SchemaViolation{InstancePath: "/resultcode", KeywordPath: "common.json#/$defs/resultcode/type", Message: "got number, want string"}, Count: 9},
				{Interface: "ax.bind", SchemaViolation: SchemaViolation{InstancePath: "", KeywordPath: "ax.bind.response.json#/required", Message: "missing property 'privateNum'"}, Count: 5},
			}
		}
		ls.Steps = append(ls.Steps, st)
		for sec := 1; sec <= 30; sec++ {
			t := i*30 + sec
			a := achieved[i]
			if sec < 3 && i > 0 {
				a = (achieved[i-1] + achieved[i]) / 2
			}
			p := SeriesPoint{
				T: time.Duration(t) * time.Second, TargetRate: r, AchievedRate: a, SuccessPct: st.SuccessRatio * 100,
				P50: time.Duration(3+i*i) * time.Millisecond, P99: st.P99 + time.Duration(sec%4)*time.Millisecond,
			}
			if i == 3 && sec%2 == 0 {
				p.ConformanceErrors = 1
			}
			ls.Series = append(ls.Series, p)
		}
	}
	ls.TargetRate, ls.AchievedRate = sumT/120, sumA/120
	ls.ShortfallPct = ShortfallPct(ls.TargetRate, ls.AchievedRate)
	ls.Requests = int64(sumA)
	ls.SuccessRatio = 0.99877
	ls.Interfaces = []InterfaceLoad{
		{Interface: "ax.bind", Requests: int64(sumA / 2), AchievedRate: ls.AchievedRate / 2, SuccessRatio: 0.9981, Service: pct(5*time.Millisecond, 1.3), Corrected: pct(6*time.Millisecond, 2.4)},
		{Interface: "ax.query", Requests: int64(sumA / 2), AchievedRate: ls.AchievedRate / 2, SuccessRatio: 0.9994, Service: pct(3*time.Millisecond, 1.4), Corrected: pct(3500*time.Microsecond, 3.1)},
	}
	ls.ResultCodes = []CodeCount{
		{Code: "0", Description: "Success", Count: ls.Requests - 50},
		{Code: "1010010", Description: "The flow control upper limit is reached on the platform.", Count: 36},
		{Code: "transport", Description: "connection reset by peer", Count: 14},
	}
	ls.Histogram = logHistogram(ls.Requests, 5.5e6)
	return ls
}

// logHistogram spreads n requests over 1-2-5 buckets from 500µs to 2s with a log-normal
// shape around median (ns).
func logHistogram(n int64, median float64) *Histogram {
	bounds := []time.Duration{}
	for _, decade := range []time.Duration{100 * time.Microsecond, time.Millisecond, 10 * time.Millisecond, 100 * time.Millisecond, time.Second} {
		for _, m := range []time.Duration{1, 2, 5} {
			bounds = append(bounds, decade*m)
		}
	}
	h := &Histogram{Metric: "corrected"}
	var weights []float64
	var total float64
	for i := 1; i < len(bounds); i++ {
		mid := math.Sqrt(float64(bounds[i-1]) * float64(bounds[i]))
		z := math.Log(mid/median) / 0.6
		w := math.Exp(-z * z / 2)
		weights = append(weights, w)
		total += w
	}
	for i, w := range weights {
		h.Buckets = append(h.Buckets, HistogramBucket{From: bounds[i], To: bounds[i+1], Count: int64(math.Round(w / total * float64(n)))})
	}
	return h
}
