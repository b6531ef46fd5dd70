package reports

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"os"
	"sort"
	"strings"
	"time"
)

// ParseCucumberJSON turns godog's cucumber JSON into scenarios, in file order.
//
// Scenario status: failed if a step failed or was ambiguous; otherwise undefined if a step
// was undefined or pending, or there were no steps (godog fails both in strict mode);
// otherwise skipped if a step was skipped (godog.ErrSkip); otherwise passed. FailingStep and
// Error come from the first failed, ambiguous, undefined or pending step. Duration is the sum
// of step durations. Interface is InterfaceFromTags of the tags (feature tags first).
//
// Attachments (godog.Attach, "embeddings" with base64 data) are sorted by their name
// (godog.Attachment.FileName, case-insensitive):
//   - a name containing "violation" with a JSON array of {instancePath, keywordPath,
//     message} fills SchemaViolations;
//   - a name containing "request" or "response": the last one at or before the failing step
//     (or the last one of a passing scenario) becomes Request / Response;
//   - everything else, including earlier requests and responses, stays in Attachments.
func ParseCucumberJSON(r io.Reader) ([]Scenario, error) {
	features, err := ReadCucumber(r)
	if err != nil {
		return nil, err
	}
	return CucumberScenarios(features), nil
}

// CucumberScenarios turns cucumber features into scenarios, in their order, as
// ParseCucumberJSON describes: a background's steps come before each scenario's own.
func CucumberScenarios(features []CucumberFeature) []Scenario {
	var out []Scenario
	for _, f := range features {
		var background []CucumberStep
		for _, e := range f.Elements {
			if e.Type == "background" {
				background = e.Steps
				continue
			}
			steps := e.Steps
			if len(background) > 0 {
				steps = append(append([]CucumberStep(nil), background...), e.Steps...)
			}
			out = append(out, buildScenario(f, e, steps))
		}
	}
	return out
}

// buildScenario converts one cucumber element (its steps with the background's first) into a
// Scenario: its steps, status, error and the exchanges that explain it.
func buildScenario(f CucumberFeature, e CucumberElement, steps []CucumberStep) Scenario {
	sc := Scenario{
		Feature:    f.Name,
		FeatureURI: f.URI,
		ID:         e.ID,
		Name:       e.Name,
		Line:       e.Line,
		Tags:       mergeTags(f.Tags, e.Tags),
	}
	sc.Interface = InterfaceFromTags(sc.Tags)

	failing := addSteps(&sc, steps)
	attachExchanges(&sc, steps, failing)
	SortViolations(sc.SchemaViolations)
	return sc
}

// addSteps adds the steps to sc with their durations and sets its status and error from
// them; it returns the index of the first failing step, -1 when none failed.
func addSteps(sc *Scenario, steps []CucumberStep) (failing int) {
	failing = -1
	var anyFailed, anyUndefined, anySkipped bool
	for i, st := range steps {
		step := Step{
			Keyword:  strings.TrimSpace(st.Keyword),
			Text:     st.Name,
			Line:     st.Line,
			Status:   st.Result.Status,
			Error:    st.Result.Error,
			Location: st.Match.Location,
		}
		if st.Result.Duration != nil {
			step.Duration = time.Duration(*st.Result.Duration)
		}
		sc.Duration += step.Duration
		sc.Steps = append(sc.Steps, step)
		bad := false
		switch st.Result.Status {
		case "failed", "ambiguous":
			anyFailed, bad = true, true
		case "undefined", "pending":
			anyUndefined, bad = true, true
		case "skipped":
			anySkipped = true
		}
		if bad && failing < 0 {
			failing = i
		}
	}
	switch {
	case anyFailed:
		sc.Status = StatusFailed
	case anyUndefined || len(steps) == 0:
		sc.Status = StatusUndefined
	case anySkipped:
		sc.Status = StatusSkipped
	default:
		sc.Status = StatusPassed
	}
	if len(steps) == 0 {
		sc.Error = "scenario has no steps"
	}
	if failing >= 0 {
		st := sc.Steps[failing]
		sc.FailingStep = strings.TrimSpace(st.Keyword + " " + st.Text)
		sc.Error = st.Error
		if sc.Error == "" {
			sc.Error = "step is " + st.Status
		}
	}
	return failing
}

// attachExchanges picks the request and response that explain the outcome (the last ones
// up to the failing step, failing < 0: none) and keeps the other embeddings as attachments,
// schema violations parsed.
func attachExchanges(sc *Scenario, steps []CucumberStep, failing int) {
	last := len(steps) - 1
	if failing >= 0 {
		last = failing
	}
	reqAt, respAt := [2]int{-1, -1}, [2]int{-1, -1}
	for i, st := range steps {
		for j, em := range st.Embeddings {
			n := strings.ToLower(em.Name)
			if i > last {
				continue
			}
			switch {
			case strings.Contains(n, "violation"):
			case strings.Contains(n, "request"):
				reqAt = [2]int{i, j}
			case strings.Contains(n, "response"):
				respAt = [2]int{i, j}
			}
		}
	}
	for i, st := range steps {
		for j, em := range st.Embeddings {
			a := decodeEmbedding(em, st.Name)
			n := strings.ToLower(em.Name)
			if strings.Contains(n, "violation") {
				if vs, ok := parseViolations(a.Text); ok {
					sc.SchemaViolations = append(sc.SchemaViolations, vs...)
					continue
				}
			}
			switch [2]int{i, j} {
			case reqAt:
				if a.Text != "" {
					sc.Request = a.Text
					continue
				}
			case respAt:
				if a.Text != "" {
					sc.Response = a.Text
					continue
				}
			}
			sc.Attachments = append(sc.Attachments, a)
		}
	}
}

func mergeTags(feature, element []CucumberTag) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range [][]CucumberTag{feature, element} {
		for _, t := range list {
			if !seen[t.Name] {
				seen[t.Name] = true
				out = append(out, t.Name)
			}
		}
	}
	return out
}

// isTextual reports whether a media type is rendered as text.
func isTextual(mediaType string) bool {
	mt, _, err := mime.ParseMediaType(mediaType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(mediaType))
	}
	switch {
	case strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/xml", "application/x-www-form-urlencoded", "message/http", "application/x-ndjson":
		return true
	}
	return false
}

func decodeEmbedding(em CucumberEmbedding, step string) Attachment {
	a := Attachment{Name: em.Name, MediaType: em.MimeType, Step: step}
	data, err := base64.StdEncoding.DecodeString(em.Data)
	if err != nil {
		// Not base64 after all: keep it as given rather than lose it.
		a.Text = em.Data
		return a
	}
	if isTextual(em.MimeType) {
		a.Text = string(data)
	} else {
		a.Base64 = em.Data
	}
	return a
}

func parseViolations(text string) ([]SchemaViolation, bool) {
	var raw []struct {
		InstancePath string `json:"instancePath"`
		Instance     string `json:"instance"`
		KeywordPath  string `json:"keywordPath"`
		Keyword      string `json:"keyword"`
		Message      string `json:"message"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, false
	}
	out := make([]SchemaViolation, 0, len(raw))
	for _, r := range raw {
		v := SchemaViolation{InstancePath: r.InstancePath, KeywordPath: r.KeywordPath, Message: r.Message}
		if v.InstancePath == "" {
			v.InstancePath = r.Instance
		}
		if v.KeywordPath == "" {
			v.KeywordPath = r.Keyword
		}
		out = append(out, v)
	}
	return out, true
}

// SortViolations orders violations by instance path, keyword path and message, because the
// validator reports them in map order and reports must be stable.
func SortViolations(vs []SchemaViolation) {
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if a.InstancePath != b.InstancePath {
			return a.InstancePath < b.InstancePath
		}
		if a.KeywordPath != b.KeywordPath {
			return a.KeywordPath < b.KeywordPath
		}
		return a.Message < b.Message
	})
}

// ParseCucumberFile is ParseCucumberJSON on a file, the form godog's
// "cucumber:<path>" formatter writes.
func ParseCucumberFile(path string) ([]Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer f.Close()
	sc, err := ParseCucumberJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return sc, nil
}
