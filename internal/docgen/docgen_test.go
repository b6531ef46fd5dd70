package docgen

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

var update = flag.Bool("update", false, "rewrite the generated documents in docs/")

// repo is the repository root, seen from this package's directory.
var repo = filepath.Join("..", "..")

// checkDoc compares a generated document with its file in docs/, or rewrites it with -update.
func checkDoc(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(repo, "docs", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/docgen -update)", err)
	}
	if !bytes.Equal(want, got) {
		t.Fatalf("docs/%s is stale: run make docs (go test ./internal/docgen -update)", name)
	}
}

func TestContractDoc(t *testing.T) {
	got, err := Contract(os.DirFS(filepath.Join(repo, "schemas", "json")))
	if err != nil {
		t.Fatal(err)
	}
	checkDoc(t, "contract.md", got)
	s := string(got)
	// Every interface and every result code of the code's tables is in the document.
	for _, i := range pns.Interfaces {
		if !strings.Contains(s, "\n## "+i.ID+"\n") {
			t.Errorf("no section for %s", i.ID)
		}
	}
	for _, c := range pns.Codes() {
		if !strings.Contains(s, "| `"+string(c.Code)+"` |") {
			t.Errorf("no row for result code %s", c.Code)
		}
	}
	if !strings.Contains(s, "| `callerNum` | yes | string | length 4-31; format pns-ab-number |") {
		t.Error("the AXB bind request's callerNum row is missing or wrong")
	}
}

func TestConfigDoc(t *testing.T) {
	got, err := Config(os.DirFS(filepath.Join(repo, "emulator")))
	if err != nil {
		t.Fatal(err)
	}
	checkDoc(t, "config.md", got)
	s := string(got)
	for _, want := range []string{
		"| `authSkewSeconds` | integer | `300` | the accepted |wall now − Created| window (D2). |",
		"| `apps[].callStatusUrl` | string | — | Notification URLs (D77); empty means no push of that type. |",
		"| `apps[].maxPairsPerX` | integer | `5000` |",
	} {
		want = strings.ReplaceAll(want, "|wall now − Created|", `\|wall now − Created\|`)
		if !strings.Contains(s, want) {
			t.Errorf("config.md lacks %q", want)
		}
	}
	// Every key --print-config prints is documented.
	def, _ := emulator.DefaultConfig()
	y, _ := def.YAML()
	for _, line := range strings.Split(string(y), "\n") {
		key, _, ok := strings.Cut(strings.TrimLeft(line, " -"), ":")
		if !ok || strings.HasPrefix(key, "\"") || strings.Contains(key, " ") || key == "" {
			continue
		}
		if !strings.Contains(s, key+"` |") {
			t.Errorf("key %s of --print-config is not documented", key)
		}
	}
}

// TestAdminAPIDoc keeps docs/admin-api.md current, checks that every admin route the
// emulator registers is described in emulator/openapi.json, and runs every example of the
// document against an embedded platform: each must be answered 200.
func TestAdminAPIDoc(t *testing.T) {
	got, err := AdminAPI(emulator.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	checkDoc(t, "admin-api.md", got)
	doc, err := ParseOpenAPI(emulator.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	// Every route registered in the source is described.
	routeRE := regexp.MustCompile(`"(GET|POST|PUT|DELETE) "\s*\+\s*(?:AdminPrefix|RecordingPath)\s*\+\s*"([^"]*)"`)
	for _, src := range []string{"emulator/admin.go", "emulator/calls/http.go"} {
		b, err := os.ReadFile(filepath.Join(repo, src))
		if err != nil {
			t.Fatal(err)
		}
		ms := routeRE.FindAllStringSubmatch(string(b), -1)
		if len(ms) == 0 {
			t.Fatalf("no routes found in %s", src)
		}
		for _, m := range ms {
			path := "/" + m[2]
			if strings.Contains(m[0], "RecordingPath") {
				path = "/recordings/" + m[2]
			}
			if _, ok := doc.Paths[path][strings.ToLower(m[1])]; !ok {
				t.Errorf("%s %s (%s) is not in emulator/openapi.json", m[1], path, src)
			}
		}
	}

	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	plat, err := embedded.Start(cfg, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer plat.Close()
	c := pns.Client{BaseURL: plat.URL, Signer: pns.Signer{AppKey: "demo-axb", AppSecret: "demo-axb-secret"}}
	if _, resp, err := c.AXBBind(t.Context(), pns.AXBBindRequest{CallerNum: "+8613800100001", CalleeNum: "+8613800100002", RelationNum: "+8617001100000"}); err != nil || !resp.OK() {
		t.Fatalf("bind: %v %+v", err, resp)
	}
	base := plat.URL + emulator.AdminPrefix[:len(emulator.AdminPrefix)-1]
	ran := 0
	for _, o := range doc.Operations() {
		ex, ok := ExampleOf(o.Path, o.Method, o.Op)
		if !ok {
			continue
		}
		if o.Path == "/reset" {
			continue // run last: it drops the binding the call examples need
		}
		ran++
		req, err := http.NewRequest(ex.Method, base+ex.Path, strings.NewReader(ex.Body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s %s: %d %s", ex.Method, ex.Path, resp.StatusCode, body)
		}
		if o.Path == "/faults" && o.Method == "post" {
			// Leave the platform healthy for the next examples.
			if r, err := http.NewRequest(http.MethodDelete, base+"/faults", nil); err == nil {
				if resp, err := http.DefaultClient.Do(r); err == nil {
					resp.Body.Close()
				}
			}
		}
	}
	if ran < 15 {
		t.Errorf("only %d examples ran", ran)
	}
}

// TestDocLinks checks that the README and docs/ link only to files in the repository that
// exist: users do not have the project's shared reference files.
func TestDocLinks(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repo, "docs", "*.md"))
	files = append(files, filepath.Join(repo, "README.md"))
	linkRE := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "../shared") {
			t.Errorf("%s refers to ../shared, outside the repository", f)
		}
		for _, m := range linkRE.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(f), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", f, target)
			}
		}
	}
}

func TestProfileDoc(t *testing.T) {
	got, err := Profile(os.DirFS(filepath.Join(repo, "profile")))
	if err != nil {
		t.Fatal(err)
	}
	checkDoc(t, "profile.md", got)
	for _, want := range []string{"| `target` | string |", "| `apps.NAME.appSecretEnv` | string |", "| `maxRate` | number |",
		"| `numbers.b.start` | string | `\"+8613500000000\"` | The first B number", "| `apps.NAME.extensionDigits` | integer | `4` for an AXE app |"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("profile.md lacks %q", want)
		}
	}
	checkProfileProse(t, string(got))
}

// checkProfileProse: the profile reference is for users who write YAML, so it names no Go
// identifier of the profile package (a type, a field, a constant, a Go type name such as
// uint64) where a YAML key or plain words belong; no sentence appears in two rows (a comment
// shared by a group of fields once was copied into each); and a meaning never states a default,
// which the Default column says once.
func checkProfileProse(t *testing.T, doc string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repo, "profile", "profile.go"))
	if err != nil {
		t.Fatal(err)
	}
	idents := map[string]bool{"uint64": true, "int64": true, "float64": true}
	for _, m := range regexp.MustCompile(`(?m)^(?:type|\t)\s*([A-Z][A-Za-z0-9]*)\b|\b(Default[A-Za-z]+)\b`).FindAllStringSubmatch(string(src), -1) {
		for _, g := range m[1:] {
			if g != "" && g != strings.ToUpper(g) { // AXB and the like are words of the domain
				idents[g] = true
			}
		}
	}
	if len(idents) < 20 {
		t.Fatalf("found only %d identifiers in profile.go: the pattern no longer matches it", len(idents))
	}
	seen := map[string]string{}
	for _, line := range strings.Split(doc, "\n") {
		cells := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| `") || len(cells) < 4 {
			continue
		}
		key, meaning := strings.Trim(cells[0], "| `"), strings.Join(cells[3:], " | ")
		// The text of a link to another section is a heading's word, not a Go name.
		prose := regexp.MustCompile(`\[[^\]]*\]\([^)]*\)`).ReplaceAllString(strings.Join(cells[1:], " "), "")
		for id := range idents {
			if regexp.MustCompile(`\b` + id + `\b`).MatchString(prose) {
				t.Errorf("%s: the Go identifier %s in the user's reference", key, id)
			}
		}
		if strings.Contains(strings.ToLower(meaning), "default") {
			t.Errorf("%s: the meaning states a default beside the Default column: %s", key, meaning)
		}
		for _, sentence := range strings.Split(strings.TrimSuffix(meaning, " |"), ". ") {
			if len(sentence) < 20 {
				continue
			}
			if other, dup := seen[sentence]; dup {
				t.Errorf("%s repeats the sentence of %s: %q", key, other, sentence)
			}
			seen[sentence] = key
		}
	}
}
