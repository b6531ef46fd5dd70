package reports

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseCucumberJSONFixture(t *testing.T) {
	f, err := os.Open("testdata/cucumber.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseCucumberJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Scenario{}
	for _, sc := range got {
		byName[sc.Name] = sc
	}
	if len(got) != 11 || len(byName) != 11 {
		t.Fatalf("got %d scenarios (%d distinct names), want 11", len(got), len(byName))
	}
	tests := []struct {
		name        string
		feature     string
		iface       string
		status      Status
		duration    time.Duration
		failingStep string
		errContains string
		reqPrefix   string
		respContain string
		violations  []string // instance paths, sorted
		attachments int
		tags        string
	}{
		{name: "A correctly signed request is accepted", feature: "Authentication", iface: "auth", status: StatusPassed,
			duration: 1830000 + 6120000 + 41000, tags: "@auth,@smoke"},
		{name: "A Created time outside the window is rejected", feature: "Authentication", iface: "auth", status: StatusFailed,
			duration: 1410000 + 5230000 + 52000, failingStep: `Then the resultcode is "1010013"`, errContains: `got "1010010"`,
			reqPrefix: "POST /rest/caas/relationnumber/partners/v1.0", respContain: "401 Unauthorized", tags: "@auth,@negative"},
		{name: "Query an existing AX binding", feature: "AX query", iface: "ax.query", status: StatusPassed,
			duration: 7410000 + 3020000 + 38000 + 690000, reqPrefix: "GET /rest/provision/caas/privatenumber/v1.0", respContain: `"privateNum"`},
		{name: "Query with pagination on the real platform", feature: "AX query", iface: "ax.query", status: StatusSkipped, tags: "@ax.query,@real-only"},
		{name: "Query by subscription id only", feature: "AX query", iface: "ax.query", status: StatusUndefined,
			duration: 6980000, failingStep: "When I query the AX binding by subscriptionId only", errContains: "step is undefined"},
		{name: "Bind A and B to a free X number", feature: "AXB bind", iface: "axb.bind", status: StatusPassed,
			duration: 1620000 + 8310000 + 35000 + 720000, reqPrefix: "POST ", respContain: `"subscriptionId"`},
		{name: "Bind response follows the schema", feature: "AXB bind", iface: "axb.bind", status: StatusFailed,
			duration: 1500000 + 7900000 + 910000, failingStep: `Then the response matches schema "axb.bind.response"`,
			errContains: "missing property 'subscriptionId'", reqPrefix: "POST ", respContain: `"resultcode":0`,
			violations: []string{"/resultcode", "/subscriptionId"}},
		{name: `Reject an invalid caller number "13800000001"`, feature: "AXB bind", iface: "axb.bind", status: StatusPassed,
			duration: 1390000 + 4100000 + 30000, tags: "@axb.bind,@negative"},
		{name: "A completed call sends callin, alerting, answer, disconnect", feature: "Call event notifications", iface: "callbacks", status: StatusPassed,
			duration: 9100000 + 150200000 + 1210000 + 210000},
		{name: "An unknown recording is not found", feature: "Recording download", iface: "record.download", status: StatusPassed,
			duration: 2800000 + 33000, tags: "@iface:record.download"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, ok := byName[tt.name]
			if !ok {
				t.Fatalf("scenario %q not parsed", tt.name)
			}
			if sc.Feature != tt.feature || sc.Interface != tt.iface || sc.Status != tt.status {
				t.Errorf("feature/interface/status = %q/%q/%q, want %q/%q/%q", sc.Feature, sc.Interface, sc.Status, tt.feature, tt.iface, tt.status)
			}
			if sc.Duration != tt.duration {
				t.Errorf("duration = %d, want %d", sc.Duration, tt.duration)
			}
			if sc.FailingStep != tt.failingStep {
				t.Errorf("failing step = %q, want %q", sc.FailingStep, tt.failingStep)
			}
			if tt.errContains == "" && sc.Error != "" || !strings.Contains(sc.Error, tt.errContains) {
				t.Errorf("error = %q, want containing %q", sc.Error, tt.errContains)
			}
			if !strings.HasPrefix(sc.Request, tt.reqPrefix) || (tt.reqPrefix == "") != (sc.Request == "") {
				t.Errorf("request = %.60q, want prefix %q", sc.Request, tt.reqPrefix)
			}
			if !strings.Contains(sc.Response, tt.respContain) || (tt.respContain == "") != (sc.Response == "") {
				t.Errorf("response = %.80q, want containing %q", sc.Response, tt.respContain)
			}
			var paths []string
			for _, v := range sc.SchemaViolations {
				paths = append(paths, v.InstancePath)
			}
			if strings.Join(paths, ",") != strings.Join(tt.violations, ",") {
				t.Errorf("violations = %v, want %v", paths, tt.violations)
			}
			if len(sc.Attachments) != tt.attachments {
				t.Errorf("%d leftover attachments, want %d: %+v", len(sc.Attachments), tt.attachments, sc.Attachments)
			}
			if tt.tags != "" && strings.Join(sc.Tags, ",") != tt.tags {
				t.Errorf("tags = %v, want %s", sc.Tags, tt.tags)
			}
			if len(sc.Steps) == 0 {
				t.Error("no steps")
			}
		})
	}
	counts := CountByInterface(got)
	var order []string
	for _, c := range counts {
		order = append(order, c.Interface)
	}
	if want := "axb.bind,ax.query,record.download,auth,callbacks"; strings.Join(order, ",") != want {
		t.Errorf("interface order = %v, want %s", order, want)
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestParseCucumberJSONEdgeCases(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr bool
		check   func(t *testing.T, got []Scenario)
	}{
		{name: "empty input", in: "", check: func(t *testing.T, got []Scenario) {
			if len(got) != 0 {
				t.Errorf("got %d scenarios", len(got))
			}
		}},
		{name: "null", in: "null", check: func(t *testing.T, got []Scenario) {
			if len(got) != 0 {
				t.Errorf("got %d scenarios", len(got))
			}
		}},
		{name: "not JSON", in: "<html>", wantErr: true},
		{name: "object instead of array", in: `{"uri":"x"}`, wantErr: true},
		{name: "no steps is undefined", in: `[{"name":"F","elements":[{"name":"S","type":"scenario"}]}]`, check: func(t *testing.T, got []Scenario) {
			if got[0].Status != StatusUndefined || got[0].Error == "" {
				t.Errorf("status %q error %q", got[0].Status, got[0].Error)
			}
		}},
		{name: "ambiguous is failed, pending is undefined", in: `[{"name":"F","elements":[
			{"name":"A","type":"scenario","steps":[{"keyword":"Given ","name":"x","result":{"status":"ambiguous","error_message":"ambiguous step definition"}}]},
			{"name":"P","type":"scenario","steps":[{"keyword":"Given ","name":"y","result":{"status":"pending"}}]}]}]`,
			check: func(t *testing.T, got []Scenario) {
				if got[0].Status != StatusFailed || got[0].Error != "ambiguous step definition" {
					t.Errorf("ambiguous: %q %q", got[0].Status, got[0].Error)
				}
				if got[1].Status != StatusUndefined || got[1].Error != "step is pending" || got[1].FailingStep != "Given y" {
					t.Errorf("pending: %q %q %q", got[1].Status, got[1].Error, got[1].FailingStep)
				}
			}},
		{name: "background steps and feature tags (Ruby cucumber layout)", in: `[{"name":"F","tags":[{"name":"@axe.modify"}],"elements":[
			{"type":"background","steps":[{"keyword":"Given ","name":"bg","result":{"status":"passed","duration":5}}]},
			{"name":"S","type":"scenario","tags":[{"name":"@slow"}],"steps":[{"keyword":"Then ","name":"t","result":{"status":"passed","duration":7}}]}]}]`,
			check: func(t *testing.T, got []Scenario) {
				if len(got) != 1 {
					t.Fatalf("got %d scenarios, want 1 (background is not a scenario)", len(got))
				}
				sc := got[0]
				if len(sc.Steps) != 2 || sc.Duration != 12 || sc.Interface != "axe.modify" || strings.Join(sc.Tags, ",") != "@axe.modify,@slow" {
					t.Errorf("got %+v", sc)
				}
			}},
		{name: "scenario tag refines feature tag", in: `[{"name":"F","tags":[{"name":"@auth"}],"elements":[
			{"name":"S","type":"scenario","tags":[{"name":"@auth"},{"name":"@axb.query"}],"steps":[{"keyword":"Then ","name":"t","result":{"status":"passed"}}]}]}]`,
			check: func(t *testing.T, got []Scenario) {
				if got[0].Interface != "axb.query" {
					t.Errorf("interface %q", got[0].Interface)
				}
			}},
		{name: "attachments: binary kept as base64, bad base64 kept as text, later request after failure ignored", in: `[{"name":"F","elements":[
			{"name":"S","type":"scenario","steps":[
				{"keyword":"When ","name":"w","result":{"status":"passed"},"embeddings":[
					{"name":"request","mime_type":"text/plain","data":"` + b64("first request") + `"},
					{"name":"plot.png","mime_type":"image/png","data":"` + b64("\x89PNG") + `"},
					{"name":"note","mime_type":"text/plain","data":"%%%not base64"}]},
				{"keyword":"Then ","name":"t","result":{"status":"failed","error_message":"boom"},"embeddings":[
					{"name":"Response","mime_type":"application/json","data":"` + b64(`{"resultcode":"1"}`) + `"}]},
				{"keyword":"And ","name":"a","result":{"status":"skipped"},"embeddings":[
					{"name":"request","mime_type":"text/plain","data":"` + b64("late request") + `"}]}]}]}]`,
			check: func(t *testing.T, got []Scenario) {
				sc := got[0]
				if sc.Request != "first request" || sc.Response != `{"resultcode":"1"}` {
					t.Errorf("request %q response %q", sc.Request, sc.Response)
				}
				if len(sc.Attachments) != 3 {
					t.Fatalf("attachments %+v", sc.Attachments)
				}
				if sc.Attachments[0].Base64 == "" || sc.Attachments[0].Text != "" {
					t.Errorf("binary attachment %+v", sc.Attachments[0])
				}
				if sc.Attachments[1].Text != "%%%not base64" {
					t.Errorf("undecodable attachment %+v", sc.Attachments[1])
				}
				if sc.Attachments[2].Text != "late request" || sc.Attachments[2].Step != "a" {
					t.Errorf("late request attachment %+v", sc.Attachments[2])
				}
			}},
		{name: "violations with instance/keyword aliases are sorted", in: `[{"name":"F","elements":[
			{"name":"S","type":"scenario","steps":[{"keyword":"Then ","name":"t","result":{"status":"failed"},"embeddings":[
				{"name":"schema-violations","mime_type":"application/json","data":"` + b64(`[{"instance":"/b","keyword":"k","message":"m2"},{"instancePath":"/a","keywordPath":"k","message":"m1"}]`) + `"}]}]}]}]`,
			check: func(t *testing.T, got []Scenario) {
				vs := got[0].SchemaViolations
				if len(vs) != 2 || vs[0].InstancePath != "/a" || vs[1].InstancePath != "/b" || vs[1].KeywordPath != "k" {
					t.Errorf("violations %+v", vs)
				}
				if got[0].Error != "step is failed" {
					t.Errorf("error %q", got[0].Error)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCucumberJSON(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestInterfaceFromTags(t *testing.T) {
	tests := []struct {
		tags []string
		want string
	}{
		{nil, InterfaceOther},
		{[]string{"@smoke"}, InterfaceOther},
		{[]string{"@axb.bind"}, "axb.bind"},
		{[]string{"axe.query"}, "axe.query"},
		{[]string{"@auth", "@ax.callee"}, "ax.callee"},
		{[]string{"@iface:sms.notify", "@auth"}, "sms.notify"},
		{[]string{"@interface:record.download"}, "record.download"},
		{[]string{"@iface:"}, InterfaceOther},
		{[]string{"@authentication", "@rule:business:aksk-ok"}, InterfaceAuth},
		{[]string{"@callbacks"}, "callbacks"},
	}
	for _, tt := range tests {
		if got := InterfaceFromTags(tt.tags); got != tt.want {
			t.Errorf("InterfaceFromTags(%v) = %q, want %q", tt.tags, got, tt.want)
		}
	}
}
