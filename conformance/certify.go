package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
	"github.com/pns-harness/pns-harness/schemas"
)

// A certification bundle is a run's output directory with a manifest, CertificationFile,
// that lets a reviewer re-check the verdict without trusting the machine that ran it: the
// manifest names what was run (harness version, suite, contract, profile without secrets,
// capabilities, known differences, seed) and the SHA-256 of every file of the directory; the
// verdict is recomputed from the raw results (conformance.json) by the same rules that made it.
// It proves consistency, not authorship: whoever can rewrite the directory can rewrite the
// manifest too, so a bundle is handed over (or its manifest hash published) like any signed
// artefact.

// CertificationFile is the manifest's name in the bundle directory.
const CertificationFile = "certification.json"

// The files of a conformance run's directory (Options.OutDir) besides coverage.json.
const (
	// ResultsFile is the raw results (Result).
	ResultsFile = results.ResultsFile
	// CucumberFile is godog's cucumber JSON of the scenarios (Outcomes.Cucumber).
	CucumberFile = results.CucumberFile
	// JUnitFile is the scenarios as JUnit (Outcomes.JUnit).
	JUnitFile = results.JUnitFile
)

// Certification is the manifest of a bundle.
type Certification struct {
	HarnessVersion string `json:"harnessVersion"`
	// SuiteHash identifies the feature files (features.Hash); ContractHash the rule catalog
	// and result-code table coverage is judged against; SchemaHash the response schemas.
	SuiteHash    string `json:"suiteHash"`
	ContractHash string `json:"contractHash"`
	SchemaHash   string `json:"schemaHash"`
	Target       string `json:"target"`
	Seed         int64  `json:"seed"`
	Tags         string `json:"tags,omitempty"`
	// Profile is the profile as run; secrets never reach JSON (AppSecret is not marshalled).
	Profile      *profile.Profile     `json:"profile,omitempty"`
	Capabilities profile.Capabilities `json:"capabilities"`
	Known        *KnownDifferences    `json:"knownDifferences,omitempty"`
	// ResultsPath is the raw results' path in the bundle.
	ResultsPath string `json:"resultsPath"`
	// Verdict is PASS or FAIL by the certification rules (CertifiedVerdict); Problems say why.
	Verdict  string   `json:"verdict"`
	Problems []string `json:"problems,omitempty"`
	// Files maps every other file of the bundle (slash-separated path) to its hex SHA-256.
	Files map[string]string `json:"files"`
}

// ContractHash is the hex SHA-256 of the rule catalog (Rules), the unreachable codes and the
// result-code table: a verdict recomputed under another contract would not mean the same.
func ContractHash() string {
	b, err := json.Marshal(struct {
		Rules       map[string][]string
		Unreachable map[pns.Code]string
		Codes       []pns.CodeInfo
	}{Rules, Unreachable, pns.Codes()})
	if err != nil { // plain maps and slices of strings
		panic(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// CertifiedVerdict judges raw results by the certification rules: PASS only when no scenario
// failed, no binding leaked, the run was not interrupted, and StrictProblems is empty (every
// rule that applies was checked, no known difference is stale). res.Coverage must be set.
func CertifiedVerdict(res *Result) (string, []string) {
	var probs []string
	for _, s := range res.Scenarios {
		if s.State == StateFailed {
			probs = append(probs, "failed: "+s.Key)
		}
	}
	for _, l := range res.Cleanup.Leaked {
		probs = append(probs, fmt.Sprintf("leaked binding %s (%s)", l.SubscriptionID, l.Mode))
	}
	if res.Interrupted {
		probs = append(probs, "the run was interrupted")
	}
	probs = append(probs, res.StrictProblems()...)
	if len(probs) > 0 {
		return "FAIL", probs
	}
	return "PASS", nil
}

// readResults decodes raw results and rebuilds their coverage from the embedded suite.
func readResults(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var res Result
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cov, err := BuildCoverage(features.FS, &res)
	if err != nil {
		return nil, err
	}
	res.Coverage = cov
	return &res, nil
}

// Certify writes the manifest of the bundle dir, whose raw results are at resultsPath
// (relative to dir): c's descriptive fields as given, the hashes and the verdict computed.
func Certify(dir, resultsPath string, c Certification) (*Certification, error) {
	res, err := readResults(filepath.Join(dir, resultsPath))
	if err != nil {
		return nil, err
	}
	c.SuiteHash, c.ContractHash, c.SchemaHash = features.Hash(), ContractHash(), schemas.Hash()
	c.ResultsPath = filepath.ToSlash(resultsPath)
	if c.Profile != nil {
		c.Capabilities = c.Profile.Capabilities
	}
	c.Verdict, c.Problems = CertifiedVerdict(res)
	if c.Files, err = hashTree(dir); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	return &c, os.WriteFile(filepath.Join(dir, CertificationFile), append(b, '\n'), 0o644)
}

// hashTree hashes every regular file under dir but the manifest.
func hashTree(dir string) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == CertificationFile || !d.Type().IsRegular() {
			return nil
		}
		h, err := fileHash(path)
		if err != nil {
			return err
		}
		out[rel] = h
		return nil
	})
	return out, err
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ErrNoCertification is returned by Verify for a directory without a manifest.
var ErrNoCertification = errors.New("no " + CertificationFile + " (write one with harness run --strict)")

// Verification is what Verify found: Mismatches lists every disagreement (a file changed,
// missing or added, a hash of this harness that differs from the bundle's, a recomputed
// verdict that differs from the recorded one); Verdict and Problems are the recomputed ones.
type Verification struct {
	Recorded   *Certification
	Verdict    string
	Problems   []string
	Mismatches []string
}

// Verify re-checks a bundle: every file's hash, the suite and contract hashes against this
// harness (the verdict can only be recomputed with the same suite and contract), and the
// verdict recomputed from the raw results against the recorded one.
func Verify(dir string) (*Verification, error) {
	b, err := os.ReadFile(filepath.Join(dir, CertificationFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoCertification)
	}
	if err != nil {
		return nil, err
	}
	var c Certification
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, CertificationFile), err)
	}
	v := &Verification{Recorded: &c}
	bad := func(format string, a ...any) { v.Mismatches = append(v.Mismatches, fmt.Sprintf(format, a...)) }
	if c.SuiteHash != features.Hash() {
		bad("suite hash %s differs from this harness's %s: verify with the harness version %s", c.SuiteHash, features.Hash(), c.HarnessVersion)
	}
	if c.ContractHash != ContractHash() {
		bad("contract hash %s differs from this harness's %s: verify with the harness version %s", c.ContractHash, ContractHash(), c.HarnessVersion)
	}
	now, err := hashTree(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for n := range c.Files {
		names = append(names, n)
	}
	for n := range now {
		if _, ok := c.Files[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range slices.Compact(names) {
		want, listed := c.Files[n]
		got, present := now[n]
		switch {
		case !present:
			bad("%s: listed in the manifest but missing", n)
		case !listed:
			bad("%s: not in the manifest (added after the run)", n)
		case got != want:
			bad("%s: SHA-256 %s, the manifest says %s (changed after the run)", n, got, want)
		}
	}
	if c.ResultsPath == "" {
		bad("the manifest names no raw results")
		return v, nil
	}
	res, err := readResults(filepath.Join(dir, filepath.FromSlash(c.ResultsPath)))
	if err != nil {
		bad("raw results: %v", err)
		return v, nil
	}
	v.Verdict, v.Problems = CertifiedVerdict(res)
	if v.Verdict != c.Verdict || !slices.Equal(v.Problems, c.Problems) {
		bad("recomputed verdict %s (%d problems) differs from the recorded %s (%d problems)", v.Verdict, len(v.Problems), c.Verdict, len(c.Problems))
	}
	return v, nil
}
