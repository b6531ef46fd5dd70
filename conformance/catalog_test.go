package conformance

import (
	"testing"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// TestCatalogCoversInterfaces: every interface of pns has its rows where the conformance run
// reads them (the rule catalog, a request schema the property checks can read, a reference
// section for field rules), and the catalog names no interface pns does not have, so that an
// interface added to pns alone, or a catalog row left after one was renamed, fails here.
func TestCatalogCoversInterfaces(t *testing.T) {
	for _, i := range pns.Interfaces {
		if len(Rules[i.ID]) == 0 {
			t.Errorf("%s: no row in the rule catalog (Rules)", i.ID)
		}
		if _, err := schemas.SchemaFor(i.ID, schemas.Request); err != nil {
			t.Errorf("%s: %v", i.ID, err)
		}
		if _, ok := ifaceSection(i.ID); !ok {
			t.Errorf("%s: no reference section for its field rules", i.ID)
		}
	}
	for id := range Rules {
		if _, ok := pns.InterfaceByID(id); !ok && id != IfaceCallbacks && id != IfaceAuthentication {
			t.Errorf("Rules has a row for %q, which is no interface of pns", id)
		}
	}
	if n := len(propInterfaces()); n == 0 {
		t.Error("the property checks cover no interface")
	}
	for _, m := range pns.Modes {
		if _, ok := pns.InterfaceFor(m, "bind"); !ok {
			t.Errorf("%s: no bind interface, so the suite cannot track its bindings", m)
		}
	}
}
