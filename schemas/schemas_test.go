package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// embeddedFiles returns the embedded schema files (base names with .json), sorted.
func embeddedFiles(t *testing.T) []string {
	t.Helper()
	entries, err := fs.ReadDir(files, "json")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func decodeFile(t *testing.T, file string) map[string]any {
	t.Helper()
	raw, err := files.ReadFile("json/" + file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		t.Fatalf("%s: top level is %T, want object", file, doc)
	}
	return m
}

func mustNew(t testing.TB) *Validator {
	t.Helper()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEveryFileCompiles compiles each file on its own compiler, so a broken file is named
// precisely (New would stop at the first one).
func TestEveryFileCompiles(t *testing.T) {
	all := embeddedFiles(t)
	if len(all) < 30 {
		t.Fatalf("only %d schema files embedded", len(all))
	}
	for _, file := range all {
		t.Run(file, func(t *testing.T) {
			c := jsonschema.NewCompiler()
			c.DefaultDraft(jsonschema.Draft2020)
			c.AssertFormat()
			registerFormats(c)
			for _, f := range all {
				if err := c.AddResource(BaseURL+f, decodeFile(t, f)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := c.Compile(BaseURL + file); err != nil {
				t.Fatalf("compile: %v", err)
			}
		})
	}
}

// TestFileHeaders checks $schema and that $id matches the file name, so that relative $refs
// ("common.json#/…") resolve to the embedded resource and never to the network.
func TestFileHeaders(t *testing.T) {
	for _, file := range embeddedFiles(t) {
		doc := decodeFile(t, file)
		if got := doc["$schema"]; got != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema = %v", file, got)
		}
		if got, want := doc["$id"], BaseURL+file; got != want {
			t.Errorf("%s: $id = %v, want %s", file, got, want)
		}
		if !strings.HasSuffix(file, ".request.json") && !strings.HasSuffix(file, ".response.json") && file != "common.json" {
			t.Errorf("%s: name must end in .request.json or .response.json", file)
		}
	}
}

// walk calls fn for every object in the JSON tree with its JSON pointer.
func walk(ptr string, node any, fn func(ptr string, m map[string]any)) {
	switch n := node.(type) {
	case map[string]any:
		fn(ptr, n)
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walk(ptr+"/"+k, n[k], fn)
		}
	case []any:
		for i, e := range n {
			walk(ptr+"/"+strconv.Itoa(i), e, fn)
		}
	}
}

// TestFormatNamesKnown fails on any "format" the validator does not register: jsonschema
// silently ignores unknown format names even with AssertFormat.
func TestFormatNamesKnown(t *testing.T) {
	known := FormatNames()
	used := map[string]bool{}
	for _, file := range embeddedFiles(t) {
		walk("", decodeFile(t, file), func(ptr string, m map[string]any) {
			if strings.HasSuffix(ptr, "/properties") {
				return // property names, not keywords
			}
			if f, ok := m["format"]; ok {
				name, isStr := f.(string)
				if !isStr {
					t.Errorf("%s#%s: format is %T", file, ptr, f)
					return
				}
				used[name] = true
				if !slices.Contains(known, name) {
					t.Errorf("%s#%s: unknown format %q (known: %v)", file, ptr, name, known)
				}
			}
		})
	}
	for _, n := range []string{FormatNumber, FormatXNumber, FormatABNumber, FormatCalleeNumber, FormatUTCTime, FormatIntLiteral} {
		if !used[n] {
			t.Errorf("format %s is never used by a schema", n)
		}
	}
}

// TestNoClosedObjects enforces D21 for requests and the "platform may add fields" decision for
// responses: no schema forbids unknown properties.
func TestNoClosedObjects(t *testing.T) {
	for _, file := range embeddedFiles(t) {
		walk("", decodeFile(t, file), func(ptr string, m map[string]any) {
			if strings.HasSuffix(ptr, "/properties") {
				return
			}
			for _, kw := range []string{"additionalProperties", "unevaluatedProperties"} {
				if _, ok := m[kw]; ok {
					t.Errorf("%s#%s: %s present", file, ptr, kw)
				}
			}
		})
	}
}

func TestNames(t *testing.T) {
	v := mustNew(t)
	names := v.Names()
	if !sort.StringsAreSorted(names) {
		t.Errorf("Names not sorted: %v", names)
	}
	if slices.Contains(names, "common") {
		t.Error("Names contains the shared definitions file")
	}
	if got, want := len(names), len(embeddedFiles(t))-1; got != want {
		t.Errorf("len(Names) = %d, want %d", got, want)
	}
	// Every payload schema is reachable through the interface table, except the generic error.
	reach := map[string]bool{ErrorSchema: true}
	for _, id := range Interfaces() {
		for _, d := range []Direction{Request, Response} {
			if n, err := SchemaFor(id, d); err == nil {
				reach[n] = true
				if !slices.Contains(names, n) {
					t.Errorf("SchemaFor(%s, %s) = %s: no such schema", id, d, n)
				}
			}
		}
	}
	for _, n := range names {
		if !reach[n] {
			t.Errorf("schema %s is not reachable through SchemaFor", n)
		}
	}
}

func TestSchemaFor(t *testing.T) {
	tests := []struct {
		iface   string
		dir     Direction
		want    string
		wantErr bool
	}{
		{AXBBind, Request, "axb-bind.request", false},
		{AXBQuery, Response, "axb-query.response", false},
		{AXCallee, Request, "ax-callee.request", false},
		{AXEUnbind, Request, "axe-unbind.request", false},
		{RecordDownload, Response, "record-download.response", false},
		{CallbackFee, Request, "callback-fee.request", false},
		{CallbackFee, Response, "", true},
		{CallbackSMSBlock, Response, "callback-sms-block.response", false},
		{CallbackSMSBlockAnswer, Response, "callback-sms-block.response", false},
		{CallbackSMSBlockAnswer, Request, "", true},
		{CallbackCallinAnswer, Response, "callback-callin.response", false},
		{CallbackEvent, Response, "", true},
		{AXYBBind, Request, "axyb-bind.request", false},
		{"x.callin", Request, "", true},
		{AXBBind, Direction(7), "", true},
	}
	for _, tt := range tests {
		got, err := SchemaFor(tt.iface, tt.dir)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("SchemaFor(%q, %v) = %q, %v; want %q, err=%v", tt.iface, tt.dir, got, err, tt.want, tt.wantErr)
		}
	}
	want := []string{
		"ax.bind", "ax.callee", "ax.modify", "ax.query", "ax.unbind",
		"axb.bind", "axb.modify", "axb.query", "axb.unbind",
		"axe.bind", "axe.modify", "axe.query", "axe.unbind",
		"axyb.bind", "axyb.query", "axyb.unbind", "call.stop",
		"callback.callin.answer", "callback.event", "callback.fee", "callback.numstatus", "callback.sms.block",
		"callback.sms.block.answer", "callback.sms.notify", "record.download",
	}
	if got := Interfaces(); !slices.Equal(got, want) {
		t.Errorf("Interfaces() = %v\nwant %v", got, want)
	}
}

func TestUnknownNameAndNilValidator(t *testing.T) {
	v := mustNew(t)
	if _, err := v.Validate("axb-bind", []byte(`{}`)); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("Validate(unknown) err = %v, want ErrUnknownSchema", err)
	}
	if _, err := v.ValidateValue("common", map[string]any{}); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("ValidateValue(common) err = %v, want ErrUnknownSchema", err)
	}
	var nilV *Validator
	if _, err := nilV.Validate("axb-bind.request", []byte(`{}`)); err == nil {
		t.Error("nil Validator: Validate returned no error")
	}
	if nilV.Names() != nil {
		t.Error("nil Validator: Names not nil")
	}
	if d := Default(); d == nil || len(d.Names()) != len(v.Names()) {
		t.Error("Default() did not compile the schemas")
	}
	first, second := Default(), Default()
	if first != second {
		t.Error("Default() is not a singleton")
	}
}

func TestMalformedJSON(t *testing.T) {
	v := mustNew(t)
	for _, body := range []string{``, `{`, `{"a":1} {}`, `{"a":1}x`, "\xff"} {
		got, err := v.Validate("axb-bind.request", []byte(body))
		if err != nil {
			t.Fatalf("%q: err %v", body, err)
		}
		if len(got) != 1 || got[0].InstancePath != "" || got[0].Keyword != KeywordMalformedJSON ||
			!strings.HasPrefix(got[0].Message, "malformed JSON: ") {
			t.Errorf("%q: got %+v", body, got)
		}
	}
}

func TestValidateValueShapes(t *testing.T) {
	v := mustNew(t)
	type preVoice struct {
		CallerHintTone string `json:"callerHintTone,omitempty"`
	}
	type bind struct {
		CallerNum     string    `json:"callerNum"`
		CalleeNum     string    `json:"calleeNum"`
		CallDirection *int      `json:"callDirection,omitempty"`
		PreVoice      *preVoice `json:"preVoice,omitempty"`
	}
	three := 3
	tests := []struct {
		name string
		doc  any
		want []string // instance paths
	}{
		{"struct ok", bind{CallerNum: "+8613800000001", CalleeNum: "+8613800000002", PreVoice: &preVoice{"a.wav"}}, nil},
		{"struct bad", bind{CallerNum: "+8613800000001", CalleeNum: "x", CallDirection: &three}, []string{"/callDirection", "/calleeNum"}}, // format short-circuits minLength,
		{"map with Go ints", map[string]any{"callerNum": "+8613800000001", "calleeNum": "+8613800000002", "duration": 86400}, nil},
		{"map with int out of range", map[string]any{"callerNum": "+8613800000001", "calleeNum": "+8613800000002", "maxDuration": int64(1441)}, []string{"/maxDuration"}},
		{"typed map", map[string]string{"callerNum": "+8613800000001", "calleeNum": "+8613800000002"}, nil},
		{"raw message", json.RawMessage(`{"callerNum":"+8613800000001"}`), []string{""}},
		{"bytes", []byte(`{"callerNum":"+8613800000001","calleeNum":"+8613800000002"}`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.ValidateValue("axb-bind.request", tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, g := range got {
				paths = append(paths, g.InstancePath)
			}
			if !slices.Equal(paths, tt.want) {
				t.Errorf("paths = %q, want %q (%v)", paths, tt.want, got)
			}
		})
	}
	if _, err := v.ValidateValue("axb-bind.request", map[string]any{"f": func() {}}); err == nil {
		t.Error("unmarshalable value: no error")
	}
}

func TestValidateQuery(t *testing.T) {
	v := mustNew(t)
	tests := []struct {
		raw  string
		want []string // "instancePath keyword"
	}{
		{"subscriptionId=0167ecc9-bfb6-4eec-b671-a7dab2ba78cf", nil},
		{"relationNum=%2B8617000000001", nil},
		{"relationNum=%2B8617000000001&relationNum=junk", nil},          // first value wins
		{"relationNum=+8617000000001", []string{"/relationNum format"}}, // unescaped + → space (D17)
		{"unknown=1", []string{" anyOf"}},                               // D21: unknown ignored, but nothing identifies
		{"subscriptionId=", []string{"/subscriptionId minLength"}},      // String(1-64)
		{"relationNum=%2B8617000000001&pageSize=abc", nil},              // unknown parameter ignored (D21)
	}
	for _, tt := range tests {
		q, err := url.ParseQuery(tt.raw)
		if err != nil {
			t.Fatal(err)
		}
		got, err := v.ValidateQuery("axb-unbind.request", q)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, g := range got {
			s = append(s, g.InstancePath+" "+g.Keyword)
		}
		if !slices.Equal(s, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.raw, s, tt.want)
		}
	}
}

func TestHash(t *testing.T) {
	h := Hash()
	if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("Hash() = %q, want 64 lower-case hex digits", h)
	}
	if Hash() != h {
		t.Error("Hash not stable")
	}
	src, err := Source("common")
	if err != nil || !bytes.Contains(src, []byte(`"$defs"`)) {
		t.Errorf("Source(common) = %.40q, %v", src, err)
	}
	if _, err := Source("nope"); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("Source(nope) err = %v", err)
	}
}

// TestConcurrentUse exercises one Validator from many goroutines; run with -race.
func TestConcurrentUse(t *testing.T) {
	v := mustNew(t)
	bad := []byte(`{"callerNum":"x","calleeNum":"+8613800000002","recordFlag":"yes","preVoice":{"callerHintTone":1}}`)
	want, err := v.Validate("axb-bind.request", bad)
	if err != nil || len(want) != 3 {
		t.Fatalf("want 3 violations, got %v, %v", want, err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				got, err := v.Validate("axb-bind.request", bad)
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("concurrent result differs: %v, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
