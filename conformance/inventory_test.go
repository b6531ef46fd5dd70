package conformance

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// referencePath finds the developer's copy of the reference: $PNS_REFERENCE, or
// shared/reference/pns-api.md next to the main checkout or a worktree of it. "" when absent
// (users and CI do not have it).
func referencePath() string {
	if p := os.Getenv("PNS_REFERENCE"); p != "" {
		return p
	}
	for _, p := range []string{"../../shared/reference/pns-api.md", "../../../shared/reference/pns-api.md"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// TestInventoryCurrent regenerates the inventory from the reference and compares it with the
// checked-in rules.json; -update rewrites the file.
func TestInventoryCurrent(t *testing.T) {
	path := referencePath()
	if path == "" {
		t.Skip("not checked: reference absent (set PNS_REFERENCE to the contract's pns-api.md)")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inv, err := ParseReference(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(InventoryFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, inventoryJSON) {
		t.Fatalf("conformance/%s is stale against %s: run go test ./conformance -run TestInventoryCurrent -update", InventoryFile, filepath.Clean(path))
	}
}

// TestInventoryWellFormed holds the checked-in inventory to its promises without the
// reference: unique IDs, a known class and at least one marker per rule, every decision of
// pns.Decisions present.
func TestInventoryWellFormed(t *testing.T) {
	inv, err := LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	classes := map[pns.RuleClass]bool{}
	for _, c := range pns.RuleClasses {
		classes[c] = true
	}
	ids := map[string]bool{}
	for _, r := range inv.Rules {
		if ids[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		ids[r.ID] = true
		if !classes[r.Class] {
			t.Errorf("%s: unknown class %q", r.ID, r.Class)
		}
		if len(r.Markers) == 0 || strings.TrimSpace(r.Text) == "" && !strings.HasPrefix(r.ID, "D") {
			t.Errorf("%s: no marker or no text", r.ID)
		}
	}
	for _, d := range pns.Decisions {
		if !ids[d.ID] {
			t.Errorf("decision %s is not in the inventory", d.ID)
		}
	}
	if len(inv.Rules) < 300 {
		t.Errorf("only %d rules: the reference has more than 300 marked statements", len(inv.Rules))
	}
}

// TestParseReferenceRows checks the parser on a small reference: a marked table row becomes a
// rule named by its first cell, unmarked rows and code blocks do not, a repeated slug gets ~2,
// items of a list inherit the marker of its introduction, a decision row keeps its ID and
// platform column, and a response table's rows are answers.
func TestParseReferenceRows(t *testing.T) {
	src := "# title\n\n| Marker | Meaning |\n|---|---|\n| **[V]** | verified |\n\n" +
		"## 3. AXB mode\n\n### 3.2 AXB bind\n\nRequest body:\n\n| Field | M | Rules | Tag |\n|---|---|---|---|\n" +
		"| `callerNum` | yes | A number | [V] |\n| `calleeNum` | yes | differs (D28) | [V]; rule [I] |\n| `x` | no | none | |\n" +
		"| `callerNum` | yes | again | [C] |\n| `now` | no | \\|now − Created\\| > window | [I] |\n\nResponse [V]:\n\n| Field | Type | Tag |\n|---|---|---|\n| `subscriptionId` | String | [V] |\n\n" +
		"Global format [V]:\n\n* Mobile: plus\n* Fixed line: more\n\n" +
		"```\n| `inCode` | [V] |\n```\n\n* Bind takes effect\n  immediately. [V]\n* unmarked item\n\n" +
		"## 14. Emulator decisions\n\n### 14.1 Decision table\n\n| ID | Topic | Public | Emulator | Setting | Real platform |\n|---|---|---|---|---|---|\n" +
		"| D8 | Authentication lockout | x | y | z | @emulator |\n\n### 14.2 Settings\n\n| `a` | [V] |\n"
	inv, err := ParseReference(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range inv.Rules {
		got = append(got, r.ID+" "+string(r.Class)+" "+strings.Join(r.Markers, ","))
	}
	want := []string{
		"3.2/callerNum validation [V]", "3.2/calleeNum validation D28,[V],[I]", "3.2/callerNum~2 validation [C]", "3.2/now validation [I]",
		"3.2/subscriptionId answer [V]",
		"3.2/Mobile-plus state [V]", "3.2/Fixed-line-more state [V]", "3.2/Bind-takes-effect-immediately state [V]", "D8 lockout D8",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := inv.Rules[len(inv.Rules)-1]; d.Platform != "@emulator" || d.Text != "Authentication lockout" {
		t.Errorf("decision row: %+v", d)
	}
	if _, err := ParseReference(strings.NewReader("# nothing\n")); err == nil {
		t.Error("a text without rules gave no error")
	}
}

// TestCellsEscapedPipe: an escaped pipe inside a cell (the reference writes |now − Created| as
// \|now − Created\|) does not split the cell.
func TestCellsEscapedPipe(t *testing.T) {
	got := cells(`| 13 | \|now − Created\| > window | [V] code; D2 |`)
	want := []string{"13", `\|now − Created\| > window`, "[V] code; D2"}
	if strings.Join(got, "¦") != strings.Join(want, "¦") {
		t.Errorf("cells: %q, want %q", got, want)
	}
}
