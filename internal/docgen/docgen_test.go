package docgen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		t.Fatalf("docs/%s is stale: run go test ./internal/docgen -update", name)
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
