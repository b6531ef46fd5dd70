package conformance

import (
	"regexp"
	"sync"

	"github.com/cucumber/godog"
)

// stepRegistry is the godog scenario context the step definitions register on. godog calls
// initScenario once per scenario and compiles every string pattern it is given; with about a
// hundred step patterns that compilation was half of a suite run's CPU (BenchmarkSuite's
// profile). Step hands godog each pattern compiled once per process instead; everything else
// (Before, After, StepContext) is godog's own. A function that registers steps takes a
// stepRegistry, not a *godog.ScenarioContext, so that its patterns are compiled once too.
type stepRegistry struct {
	*godog.ScenarioContext
}

// stepPatterns holds the compiled step patterns by their source text. A *regexp.Regexp is safe
// for concurrent use, so scenarios of parallel runs share them.
var stepPatterns sync.Map // string -> *regexp.Regexp

// Step registers a step definition like godog's ScenarioContext.Step, with a string pattern
// compiled at most once per process. An invalid pattern panics as godog's own Step does: the
// patterns are the suite's source, and TestFeatures registers every one of them.
func (s stepRegistry) Step(expr, stepFunc any) {
	if src, ok := expr.(string); ok {
		re, found := stepPatterns.Load(src)
		if !found {
			re, _ = stepPatterns.LoadOrStore(src, regexp.MustCompile(src))
		}
		expr = re.(*regexp.Regexp)
	}
	s.ScenarioContext.Step(expr, stepFunc)
}
