package emulator

import (
	"net/url"
	"testing"
)

const pathAXYB = "/rest/omp/xyrelationnumber/v1.0"

// TestAXYBOverHTTP drives the three AXYB interfaces through the public handler: app_key rules
// (D82), AX and YB binds, query shapes (D85), unbind of one YB and of the relation, and the
// mode check of another app.
func TestAXYBOverHTTP(t *testing.T) {
	te := newTestEmu(t, nil)
	k := "?app_key=" + axybKey
	te.call(axybKey, "POST", pathAXYB, `{"origNum":"+8613800000021"}`).expect(t, 403, "1010002", "Invalid request. app_key")
	te.call(axybKey, "POST", pathAXYB+"?app_key=demo-axb", `{"origNum":"+8613800000021"}`).expect(t, 403, "1010003", "")
	te.call(axbKey, "POST", pathAXYB+"?app_key=demo-axb", `{"origNum":"+8613800000021"}`).expect(t, 403, "1010040", "")
	te.call(axybKey, "POST", pathAXYB+k, `{"origNum":"+8613800000021","duration":"59"}`).expect(t, 403, "1010002", "Invalid request. duration")
	te.call(axybKey, "POST", pathAXYB+k, `{"origNum":"+8613800000021","ybDuration":7776001}`).expect(t, 403, "1010002", "Invalid request. ybDuration")

	ax := te.call(axybKey, "POST", pathAXYB+k, `{"origNum":"+8613800000021","areaCode":"0755","duration":"86400","ybDuration":3600}`).mustOK(t)
	sub, x := ax.str("subscriptionId"), ax.str("relationNumber")
	if sub == "" || x == "" {
		t.Fatalf("AX bind answer %s lacks subscriptionId or relationNumber", ax.Body)
	}
	q := te.call(axybKey, "GET", pathAXYB+k+"&relationNum="+url.QueryEscape(x), "").mustOK(t)
	list, _ := q.JSON["xyRelationNumList"].([]any)
	if len(list) != 1 {
		t.Fatalf("query of an AX without YB: %s", q.Body)
	}
	e := list[0].(map[string]any)
	if e["bindId"] != sub || e["numX"] != x || e["duration"] != "86400" || e["ybDuration"] != "3600" || e["numY"] != nil {
		t.Fatalf("AX entry %v", e)
	}
	yb := te.call(axybKey, "POST", pathAXYB+k, `{"subscriptionId":"`+sub+`","origNum":"+8613800000023"}`).mustOK(t)
	y := yb.str("relationNumber")
	if yb.str("subscriptionId") != sub || y == "" || y == x {
		t.Fatalf("YB bind answer %s", yb.Body)
	}
	te.call(axybKey, "POST", pathAXYB+k, `{"subscriptionId":"`+sub+`","origNum":"+8613800000023"}`).expect(t, 403, "1012010", "")
	te.call(axybKey, "POST", pathAXYB+k, `{"subscriptionId":"`+sub+`","origNum":"+8613800000021"}`).expect(t, 403, "1010002", "Invalid request. origNum")
	te.call(axybKey, "GET", pathAXYB+k, "").expect(t, 403, "1010002", "Invalid request. subscriptionId")
	te.call(axybKey, "GET", pathAXYB+k+"&subscriptionId=nope", "").expect(t, 403, "1012007", "")
	q = te.call(axybKey, "GET", pathAXYB+k+"&subscriptionId="+sub, "").mustOK(t)
	list, _ = q.JSON["xyRelationNumList"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["numY"] != y {
		t.Fatalf("query after YB: %s", q.Body)
	}
	te.call(axybKey, "DELETE", pathAXYB+k+"&subscriptionId="+sub+"&bNum=%2B8613800000099", "").expect(t, 403, "1012007", "")
	te.call(axybKey, "DELETE", pathAXYB+k+"&subscriptionId="+sub+"&bNum=%2B8613800000023", "").mustOK(t)
	te.call(axybKey, "DELETE", pathAXYB+k+"&subscriptionId="+sub, "").mustOK(t)
	te.call(axybKey, "DELETE", pathAXYB+k+"&subscriptionId="+sub, "").expect(t, 403, "1012007", "")
	te.call(axybKey, "DELETE", pathAXYB+k, "").expect(t, 403, "1010002", "Invalid request. subscriptionId")
	if v := te.e.Store().Check(); len(v) > 0 {
		t.Fatalf("store invariants: %v", v)
	}
}
