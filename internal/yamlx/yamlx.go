// Package yamlx decodes the harness's YAML files (emulator configuration, conformance
// profiles, workloads) strictly: a misspelled key silently keeping its default is worse than a
// refusal. Its errors speak the file's language (the key as written, the nearest known key,
// the line), never the Go type the file is decoded into.
package yamlx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pns-harness/pns-harness/internal/suggest"
)

// Error is an error at a line of a YAML document (Line 0: the line is unknown).
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// DecodeStrict decodes data into v, rejecting keys v has no field for: "unknown key stpes,
// did you mean steps?" with the line. An empty document leaves v unchanged.
func DecodeStrict(data []byte, v any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return syntaxError(err)
	}
	if doc.Kind == 0 {
		return nil
	}
	if err := checkKeys(&doc, reflect.TypeOf(v), ""); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return decodeError(err)
	}
	return nil
}

var (
	reYAMLLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	reTag      = regexp.MustCompile(`!!\w+ `)
	reInto     = regexp.MustCompile(` into (\S+)$`)
	// kinds says in the file's words what a Go type of a value wants.
	kinds = map[string]string{
		"time.Duration": "a duration such as 500ms, 5s or 2m",
		"int":           "a whole number", "int64": "a whole number", "uint64": "a whole number", "uint": "a whole number",
		"float64": "a number", "bool": "true or false", "string": "a string",
	}
)

// syntaxError turns yaml.v3's parser error into one line; the messages a wrong indentation
// produces say so.
func syntaxError(err error) error {
	msg := err.Error()
	m := reYAMLLine.FindStringSubmatch(msg)
	if m == nil {
		return &Error{Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	msg = m[2]
	for _, s := range []string{"mapping values are not allowed", "did not find expected key", "did not find expected '-'",
		"found character that cannot start any token", "could not find expected ':'", "block sequence entries are not allowed"} {
		if strings.Contains(msg, s) {
			msg += " (check the indentation: spaces, not tabs, and the same indentation for the keys of one mapping)"
			break
		}
	}
	return &Error{Line: line, Msg: msg}
}

// decodeError turns yaml.v3's decoding errors into one line: the first, and how many more.
func decodeError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		return syntaxError(err)
	}
	e := &Error{Msg: te.Errors[0]}
	if m := reYAMLLine.FindStringSubmatch(te.Errors[0]); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = m[2]
	}
	e.Msg = reTag.ReplaceAllString(e.Msg, "")
	if m := reInto.FindStringSubmatch(e.Msg); m != nil {
		if want, ok := kinds[m[1]]; ok {
			e.Msg = strings.TrimSuffix(e.Msg, m[0]) + ": want " + want
		}
	}
	if n := len(te.Errors) - 1; n > 0 {
		e.Msg += fmt.Sprintf(" (and %d more)", n)
	}
	return e
}

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// checkKeys walks n beside the type t it decodes into and refuses the first key of a mapping
// that t has no field for, naming the nearest known key. Types that decode themselves
// (yaml.Unmarshaler) are not looked into.
func checkKeys(n *yaml.Node, t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || n == nil || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return checkKeys(n.Content[0], t, path)
		}
	case yaml.SequenceNode:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, c := range n.Content {
				if err := checkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
		}
	case yaml.MappingNode:
		switch t.Kind() {
		case reflect.Map:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if err := checkKeys(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value)); err != nil {
					return err
				}
			}
		case reflect.Struct:
			fields := map[string]reflect.Type{}
			structKeys(t, fields)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				ft, ok := fields[k.Value]
				if !ok {
					return &Error{Line: k.Line, Msg: unknownKey(path, k.Value, fields)}
				}
				if err := checkKeys(n.Content[i+1], ft, join(path, k.Value)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func unknownKey(path, key string, fields map[string]reflect.Type) string {
	known := make([]string, 0, len(fields))
	for k := range fields {
		known = append(known, k)
	}
	sort.Strings(known)
	where := ""
	if path != "" {
		where = path + ": "
	}
	if s := suggest.Closest(key, known); s != "" {
		return fmt.Sprintf("%sunknown key %s, did you mean %s?", where, key, s)
	}
	return fmt.Sprintf("%sunknown key %s (known keys: %s)", where, key, strings.Join(known, ", "))
}

// structKeys collects the YAML keys of struct t as yaml.v3 names them (the tag, else the
// lower-cased field name), inline fields flattened.
func structKeys(t reflect.Type, into map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				structKeys(ft, into)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		into[name] = f.Type
	}
}

// Located places err, an error of the YAML file path, at its line as "path:line: …" (the
// form editors and CI annotations link), or prefixes the path when no line is known.
func Located(path string, err error) error {
	var e *Error
	if errors.As(err, &e) && e.Line > 0 {
		return &located{path: path, line: e.Line, err: err}
	}
	return fmt.Errorf("%s: %w", path, err)
}

type located struct {
	path string
	line int
	err  error
}

func (l *located) Error() string {
	return fmt.Sprintf("%s:%d: %s", l.path, l.line, strings.Replace(l.err.Error(), fmt.Sprintf("line %d: ", l.line), "", 1))
}

func (l *located) Unwrap() error { return l.err }
