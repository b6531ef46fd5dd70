package schemas

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed json/*.json
var files embed.FS

// BaseURL is the base of every schema's $id; a schema named "axb-bind.request" has the $id
// BaseURL + "axb-bind.request.json". Nothing is fetched from it: all schemas are embedded.
const BaseURL = "https://pns-harness.local/schemas/"

// commonName is the shared-definitions file; it holds $defs only and is not a payload schema.
const commonName = "common"

// ErrUnknownSchema is returned (wrapped) for a schema name that is not embedded.
var ErrUnknownSchema = errors.New("schemas: unknown schema")

// KeywordMalformedJSON is the Keyword of the single violation reported for a body that is not
// one well-formed JSON value.
const KeywordMalformedJSON = "json"

// Violation is one leaf of a failed validation.
type Violation struct {
	// InstancePath is the JSON pointer of the offending value in the instance ("" = root,
	// "/preVoice/callerHintTone", "/feeLst/0/direction").
	InstancePath string
	// KeywordPath is the absolute location of the failing keyword with BaseURL stripped, e.g.
	// "axb-bind.request.json#/properties/callerNum/maxLength" or
	// "common.json#/$defs/userDataRequest/pattern" when reached through a $ref.
	KeywordPath string
	// Keyword is the failing keyword itself ("required", "format", "maxLength", "anyOf", …),
	// "false" for a false schema, or KeywordMalformedJSON.
	Keyword string
	// Message is the English explanation from the validator.
	Message string
}

// String renders the violation on one line: instance path (or "/" for the root), keyword path
// and message, separated by tabs.
func (v Violation) String() string {
	p := v.InstancePath
	if p == "" {
		p = "/"
	}
	return p + "\t" + v.KeywordPath + "\t" + v.Message
}

// Validator holds the compiled schemas. It is immutable after New and safe for concurrent use.
type Validator struct {
	schemas map[string]*jsonschema.Schema
	names   []string
	printer *message.Printer
}

// New compiles every embedded schema (Draft 2020-12, formats asserted, custom formats
// registered). It fails only if an embedded schema is broken, which the package tests rule out.
func New() (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	registerFormats(c)

	entries, err := fs.ReadDir(files, "json")
	if err != nil {
		return nil, fmt.Errorf("schemas: read embedded files: %w", err)
	}
	var names []string
	for _, e := range entries {
		file := e.Name()
		raw, err := files.ReadFile("json/" + file)
		if err != nil {
			return nil, fmt.Errorf("schemas: read %s: %w", file, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("schemas: parse %s: %w", file, err)
		}
		if err := c.AddResource(BaseURL+file, doc); err != nil {
			return nil, fmt.Errorf("schemas: add %s: %w", file, err)
		}
		if name := strings.TrimSuffix(file, ".json"); name != commonName {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	v := &Validator{
		schemas: make(map[string]*jsonschema.Schema, len(names)),
		names:   names,
		printer: message.NewPrinter(language.English),
	}
	for _, n := range names {
		sch, err := c.Compile(BaseURL + n + ".json")
		if err != nil {
			return nil, fmt.Errorf("schemas: compile %s: %w", n, err)
		}
		v.schemas[n] = sch
	}
	return v, nil
}

var defaultValidator = sync.OnceValues(New)

// Default returns a package-wide Validator compiled on first use. It never panics: should
// compilation fail, it returns nil, and the Validate methods of a nil *Validator return that error
// (New reports it directly).
func Default() *Validator {
	v, _ := defaultValidator()
	return v
}

// errNil explains a call on a nil Validator, i.e. a failed Default().
func errNil() error {
	if _, err := defaultValidator(); err != nil {
		return err
	}
	return errors.New("schemas: nil Validator")
}

// Names returns the names of all payload schemas, sorted (the shared "common" file is not one).
func (v *Validator) Names() []string {
	if v == nil {
		return nil
	}
	return append([]string(nil), v.names...)
}

// Validate decodes body as JSON (numbers kept exact) and validates it against the schema name,
// e.g. "axb-bind.request". A body that is not exactly one JSON value yields a single violation
// at the root with Keyword KeywordMalformedJSON, so callers treat it like any other schema
// failure. The error is non-nil only for an unknown name. The result is nil when body is valid,
// otherwise sorted by InstancePath, KeywordPath, Message.
func (v *Validator) Validate(name string, body []byte) ([]Violation, error) {
	sch, err := v.schema(name)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return []Violation{{
			Keyword: KeywordMalformedJSON,
			Message: "malformed JSON: " + err.Error(),
		}}, nil
	}
	return v.validate(sch, doc), nil
}

// ValidateValue validates an already decoded document. JSON-shaped values (nil, bool, string,
// Go numbers, json.Number, []any, map[string]any) are validated as they are; json.RawMessage and
// []byte are decoded like Validate's body; anything else (structs, typed maps and slices) is
// first converted through encoding/json, so a typed request or notification value can be
// checked directly. The error is non-nil for an unknown name or a value encoding/json cannot
// marshal.
func (v *Validator) ValidateValue(name string, doc any) ([]Violation, error) {
	switch d := doc.(type) {
	case json.RawMessage:
		return v.Validate(name, d)
	case []byte:
		return v.Validate(name, d)
	}
	sch, err := v.schema(name)
	if err != nil {
		return nil, err
	}
	if !jsonShaped(doc) {
		raw, err := json.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("schemas: encode value for %s: %w", name, err)
		}
		if doc, err = jsonschema.UnmarshalJSON(bytes.NewReader(raw)); err != nil {
			return nil, fmt.Errorf("schemas: decode value for %s: %w", name, err)
		}
	}
	return v.validate(sch, doc), nil
}

// ValidateQuery validates URL query parameters, e.g. of an unbind or query request, against
// name. Each parameter becomes a string property with its first value, which is what the
// emulator reads (form decoding: "+" has already become a space, §1.4 D17).
func (v *Validator) ValidateQuery(name string, q url.Values) ([]Violation, error) {
	return v.ValidateValue(name, QueryParams(q))
}

// QueryParams converts decoded query parameters to the JSON-shaped parameter object that the
// query-string schemas describe: each key maps to its first value as a string.
func QueryParams(q url.Values) map[string]any {
	m := make(map[string]any, len(q))
	for k, vals := range q {
		if len(vals) > 0 {
			m[k] = vals[0]
		}
	}
	return m
}

func (v *Validator) schema(name string) (*jsonschema.Schema, error) {
	if v == nil {
		return nil, errNil()
	}
	sch, ok := v.schemas[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownSchema, name)
	}
	return sch, nil
}

func (v *Validator) validate(sch *jsonschema.Schema, doc any) []Violation {
	err := sch.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Message: err.Error()}}
	}
	out := v.flatten(ve, nil)
	sortViolations(out)
	return out
}

// flatten turns the error tree into its leaves. An anyOf/oneOf failure is kept as ONE violation
// at the anyOf/oneOf keyword, whose message lists what each alternative lacked: reporting its
// leaves separately would wrongly suggest that all alternatives must be fixed.
func (v *Validator) flatten(e *jsonschema.ValidationError, out []Violation) []Violation {
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		if len(e.Causes) > 0 {
			var alts []string
			for _, c := range e.Causes {
				var parts []string
				for _, l := range v.flatten(c, nil) {
					msg := l.Message
					if l.InstancePath != jsonPointer(e.InstanceLocation) {
						msg = "at '" + l.InstancePath + "': " + msg
					}
					parts = append(parts, msg)
				}
				sort.Strings(parts)
				alts = append(alts, "("+strings.Join(parts, "; ")+")")
			}
			sort.Strings(alts)
			return append(out, v.leaf(e, v.message(e.ErrorKind)+": "+strings.Join(alts, " or ")))
		}
	}
	if len(e.Causes) == 0 {
		return append(out, v.leaf(e, v.message(e.ErrorKind)))
	}
	for _, c := range e.Causes {
		out = v.flatten(c, out)
	}
	return out
}

func (v *Validator) leaf(e *jsonschema.ValidationError, msg string) Violation {
	loc := strings.TrimPrefix(e.SchemaURL, BaseURL)
	if !strings.Contains(loc, "#") {
		loc += "#"
	}
	kw := e.ErrorKind.KeywordPath()
	keyword := ""
	switch e.ErrorKind.(type) {
	case *kind.FalseSchema:
		keyword = "false" // the false schema is the location itself: nothing to append
	case *kind.Not:
		keyword, loc = "not", loc+"/not"
	default:
		if len(kw) > 0 {
			keyword = kw[0] // e.g. "dependentRequired" of ["dependentRequired", "prop"]
			loc += jsonPointer(kw)
		} else {
			keyword = "schema" // kinds without a keyword (never produced by these schemas)
		}
	}
	return Violation{
		InstancePath: jsonPointer(e.InstanceLocation),
		KeywordPath:  loc,
		Keyword:      keyword,
		Message:      msg,
	}
}

// message renders an error kind in English. Numbers are printed exactly and without digit
// grouping (the library's printer writes 7776001 as "7.776001×10⁶" and 1025 as "1,025"), JSON
// null as "null", and a false schema in plain words; everything else is the library's text.
func (v *Validator) message(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Minimum:
		return "minimum: got " + k.Got.RatString() + ", want " + k.Want.RatString()
	case *kind.Maximum:
		return "maximum: got " + k.Got.RatString() + ", want " + k.Want.RatString()
	case *kind.ExclusiveMinimum:
		return "exclusiveMinimum: got " + k.Got.RatString() + ", want " + k.Want.RatString()
	case *kind.ExclusiveMaximum:
		return "exclusiveMaximum: got " + k.Got.RatString() + ", want " + k.Want.RatString()
	case *kind.MinLength:
		return fmt.Sprintf("minLength: got %d, want %d", k.Got, k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("maxLength: got %d, want %d", k.Got, k.Want)
	case *kind.MinItems:
		return fmt.Sprintf("minItems: got %d, want %d", k.Got, k.Want)
	case *kind.MaxItems:
		return fmt.Sprintf("maxItems: got %d, want %d", k.Got, k.Want)
	case *kind.Enum:
		want := make([]string, 0, len(k.Want))
		for _, w := range k.Want {
			switch w := w.(type) {
			case nil:
				want = append(want, "null")
			case string:
				want = append(want, "'"+w+"'")
			case bool, json.Number:
				want = append(want, fmt.Sprint(w))
			default:
				return k.LocalizedString(v.printer)
			}
		}
		if len(want) == 1 {
			return "value must be " + want[0]
		}
		return "value must be one of " + strings.Join(want, ", ")
	case *kind.FalseSchema:
		return "not allowed here (false schema)"
	}
	return k.LocalizedString(v.printer)
}

func sortViolations(vs []Violation) {
	sort.Slice(vs, func(i, j int) bool {
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

// jsonPointer renders tokens as an RFC 6901 pointer ("" for none).
func jsonPointer(tokens []string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return sb.String()
}

// jsonShaped reports whether doc consists only of the types jsonschema accepts as instances.
func jsonShaped(doc any) bool {
	switch d := doc.(type) {
	case nil, bool, string, json.Number, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return true
	case float64:
		return !math.IsNaN(d) && !math.IsInf(d, 0)
	case []any:
		for _, e := range d {
			if !jsonShaped(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range d {
			if !jsonShaped(e) {
				return false
			}
		}
		return true
	}
	return false
}

// Hash returns the hex SHA-256 over all embedded schema files (file names in sorted order, each
// name and content followed by a NUL byte), for report manifests: two runs with the same Hash
// validated against identical schemas.
func Hash() string {
	return schemaHash
}

var schemaHash = func() string {
	h := sha256.New()
	entries, _ := fs.ReadDir(files, "json") // sorted by name; embedded, so it cannot fail
	for _, e := range entries {
		raw, _ := files.ReadFile(path.Join("json", e.Name()))
		h.Write([]byte(e.Name()))
		h.Write([]byte{0})
		h.Write(raw)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}()

// Source returns the raw text of the embedded schema name ("common" included), e.g. for
// publishing the schemas next to a report.
func Source(name string) ([]byte, error) {
	raw, err := files.ReadFile("json/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownSchema, name)
	}
	return raw, nil
}

// ValidateCallback checks a push body of a callback receiver's kind ("event", "fee",
// "numstatus", "sms.notify", "sms.block") against the schema of interface "callback.<kind>"
// and renders the violations as text, none when valid. An unknown kind is reported as one
// violation rather than an error, because the receiver treats every outcome as data. Its
// signature is receiver.Options.Validate's. The compiled validators decide (they agree with
// the reference, FuzzCompiledVsReference); the reference renders the violations of a body they
// find invalid.
func (v *Validator) ValidateCallback(kind string, body []byte) []string {
	name, err := SchemaFor("callback."+kind, Request)
	if err != nil {
		return []string{err.Error()}
	}
	if v == nil {
		return []string{errNil().Error()}
	}
	if vs, err := ValidateCompiledBody(name, body); err == nil && len(vs) == 0 {
		return nil
	}
	return v.renderCallback(name, body)
}

// ValidateCallbackDecoded is ValidateCallback for a push the caller has already decoded with
// DecodeDocument (doc is body's document): the compiled validator checks doc instead of
// decoding body again, which was a second decode of every push in the receiver's profile
// (issue 25). The verdict and the rendered violations are ValidateCallback's.
func (v *Validator) ValidateCallbackDecoded(kind string, body []byte, doc Decoded) []string {
	name, err := SchemaFor("callback."+kind, Request)
	if err != nil {
		return []string{err.Error()}
	}
	if v == nil {
		return []string{errNil().Error()}
	}
	if vs, err := ValidateDecoded(name, doc); err == nil && len(vs) == 0 {
		return nil
	}
	return v.renderCallback(name, body)
}

// renderCallback renders the reference validator's violations of body against name.
func (v *Validator) renderCallback(name string, body []byte) []string {
	vs, err := v.Validate(name, body)
	if err != nil {
		return []string{err.Error()}
	}
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, x := range vs {
		out[i] = x.String()
	}
	return out
}
