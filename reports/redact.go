package reports

import (
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Redacted replaces secret values in reports.
const Redacted = "[redacted]"

// secretWords are substrings of keys (lower-cased, without separators) whose values are never
// written to a report. appKey is deliberately not listed: it is an identifier sent in every
// X-AKSK header, not a secret.
var secretWords = []string{"secret", "password", "passwd", "pwd", "token", "credential", "private", "apikey", "authorization", "cookie"}

// IsSecretKey reports whether a setting, field or parameter name looks like it holds a secret
// (secret, password, token, credential, private key, API key, authorization, cookie), ignoring
// case and the separators "_", "-" and ".".
func IsSecretKey(key string) bool {
	k := strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(key))
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// RedactURL removes the password of the userinfo and the values of secret-looking query
// parameters. A URL that does not parse is replaced entirely, since it cannot be inspected.
func RedactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Redacted + " (unparseable URL)"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "redacted")
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			if IsSecretKey(k) {
				q[k] = []string{"redacted"}
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

// RedactManifest returns m with secret settings redacted and the target URL cleaned. It is
// applied by every writer, so a producer's mistake cannot leak a secret into a report.
func RedactManifest(m Manifest) Manifest {
	m.TargetURL = RedactURL(m.TargetURL)
	if m.Settings != nil {
		s := make([]Setting, len(m.Settings))
		for i, kv := range m.Settings {
			if IsSecretKey(kv.Key) {
				if kv.Value != "" {
					kv.Value = Redacted
				}
			} else if strings.Contains(kv.Value, "://") {
				kv.Value = RedactURL(kv.Value)
			}
			s[i] = kv
		}
		m.Settings = s
	}
	return m
}

// Redact flattens a profile (a struct, map or pointer to one) into sorted settings for
// Manifest.Settings, with the values of secret fields replaced by Redacted. A field is secret
// when it carries the struct tag `secret:"true"` or its name (or yaml/json tag name) passes
// IsSecretKey. Fields tagged `report:"-"` are left out, nested structs and maps get dotted
// keys, slices of scalars are comma-joined, unexported fields are ignored.
func Redact(v any) []Setting {
	var out []Setting
	flatten("", reflect.ValueOf(v), false, &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

var durationType = reflect.TypeFor[time.Duration]()

func flatten(prefix string, v reflect.Value, secret bool, out *[]Setting) {
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return
	}
	secret = secret || (prefix != "" && IsSecretKey(lastKey(prefix)))
	emit := func(val string) {
		if secret && val != "" {
			val = Redacted
		} else if strings.Contains(val, "://") {
			val = RedactURL(val)
		}
		*out = append(*out, Setting{Key: prefix, Value: val})
	}
	if v.Type() == durationType {
		emit(time.Duration(v.Int()).String())
		return
	}
	if t, ok := v.Interface().(time.Time); ok {
		emit(t.UTC().Format(time.RFC3339))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("report") == "-" {
				continue
			}
			name := fieldName(f)
			if name == "-" {
				continue
			}
			fs := secret || f.Tag.Get("secret") == "true" || IsSecretKey(f.Name)
			flatten(join(prefix, name), v.Field(i), fs, out)
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for _, k := range keys {
			flatten(join(prefix, fmt.Sprint(k.Interface())), v.MapIndex(k), secret, out)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			emit(fmt.Sprintf("(%d bytes)", v.Len()))
			return
		}
		parts := make([]string, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			e := v.Index(i)
			for e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface {
				if e.IsNil() {
					break
				}
				e = e.Elem()
			}
			switch e.Kind() {
			case reflect.Struct, reflect.Map, reflect.Slice, reflect.Array:
				flatten(fmt.Sprintf("%s[%d]", prefix, i), e, secret, out)
			default:
				parts = append(parts, fmt.Sprint(e.Interface()))
			}
		}
		if len(parts) > 0 || v.Len() == 0 {
			emit(strings.Join(parts, ","))
		}
	default:
		emit(fmt.Sprint(v.Interface()))
	}
}

func fieldName(f reflect.StructField) string {
	for _, tag := range []string{"yaml", "json"} {
		if n, _, _ := strings.Cut(f.Tag.Get(tag), ","); n != "" {
			return n
		}
	}
	return f.Name
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func lastKey(k string) string {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[i+1:]
	}
	return k
}

// ScrubSecrets replaces every occurrence of the given secret values in every string of s
// (requests, responses, error messages, attachments, settings) with Redacted. Key-name
// heuristics cannot see a secret echoed in a response body or an error message; the caller
// knows the actual values (app secrets of the profile) and passes them here before writing.
// Values shorter than 4 bytes are ignored, since replacing them would mangle ordinary text.
func ScrubSecrets(s *Summary, secrets ...string) {
	var pairs []string
	for _, v := range secrets {
		if len(v) >= 4 {
			pairs = append(pairs, v, Redacted)
		}
	}
	if s == nil || len(pairs) == 0 {
		return
	}
	scrub(reflect.ValueOf(s), strings.NewReplacer(pairs...))
}

func scrub(v reflect.Value, r *strings.Replacer) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scrub(v.Elem(), r)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				scrub(v.Field(i), r)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			scrub(v.Index(i), r)
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(r.Replace(v.String()))
		}
	}
}
