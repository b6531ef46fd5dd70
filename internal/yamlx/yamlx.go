// Package yamlx decodes the harness's YAML files (emulator configuration, conformance
// profiles) strictly: a misspelled key silently keeping its default is worse than a refusal.
package yamlx

import (
	"bytes"
	"errors"
	"io"

	"gopkg.in/yaml.v3"
)

// DecodeStrict decodes data into v, rejecting keys v has no field for. An empty document
// leaves v unchanged.
func DecodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}
