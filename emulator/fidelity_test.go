package emulator

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

var update = flag.Bool("update", false, "rewrite docs/fidelity.md")

func TestFidelityDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "fidelity.md")
	want := FidelityMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/fidelity.md is stale: run go test ./emulator -run TestFidelityDoc -update")
	}
	for _, f := range FidelityTable {
		if f.Tag != pns.Verified && f.Tag != pns.ClientSeen && f.Tag != pns.Inferred {
			t.Errorf("bad tag %q", f.Tag)
		}
	}
}

// TestValidationOrder derives each body interface's field order from the decoders: every field
// starts with a value that is wrong for any type ([]), the named field is then replaced by a
// valid value (mandatory fields) or removed, until the request passes validation.
func TestValidationOrder(t *testing.T) {
	keep := map[string]map[string]string{
		pns.IfaceAXBBind:   {"callerNum": `"+8613800100001"`, "calleeNum": `"+8613800100002"`},
		pns.IfaceAXBModify: {"subscriptionId": `"s"`},
		pns.IfaceAXBind:    {"origNum": `"+8613800200001"`},
		pns.IfaceAXModify:  {"privateNum": `"+8617002100000"`},
		pns.IfaceAXCallee:  {"privateNum": `"+8617002100000"`, "calleeNum": `"+8613800200009"`},
		pns.IfaceAXEBind:   {"bindNum": `"+8613800300001"`},
		pns.IfaceAXEModify: {"virtualNum": `"+8617003100000"`, "extendNum": `"0001"`},
		pns.IfaceStopCall:  {"sessionid": `"s"`, "signal": `"call_stop"`},
	}
	appOf := map[pns.Mode]string{pns.ModeAXB: axbKey, pns.ModeAX: axKey, pns.ModeAXE: axeKey, "": axbKey}
	te := newTestEmu(t, nil)
	for _, v := range ValidationOrder {
		iface, _ := pns.InterfaceByID(v.Interface)
		body := map[string]json.RawMessage{}
		for _, f := range v.Fields {
			body[f] = json.RawMessage(`[]`)
		}
		var got []string
		for i := 0; i < 40; i++ {
			data, _ := json.Marshal(body)
			r := te.call(appOf[iface.Mode], iface.Method, iface.Path, string(data))
			if r.Code != "1010002" {
				break
			}
			f := strings.TrimPrefix(r.Desc, "Invalid request. ")
			got = append(got, f)
			if val, ok := keep[v.Interface][f]; ok {
				body[f] = json.RawMessage(val)
			} else {
				delete(body, f)
			}
		}
		if !reflect.DeepEqual(got, v.Fields) {
			t.Errorf("%s:\n got %v\nwant %v", v.Interface, got, v.Fields)
		}
	}
}
