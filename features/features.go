// Package features embeds the Gherkin conformance features of pns-harness: one .feature file per
// interface of the reference (AXB, AX, AXE, AXYB, recording download) plus authentication. The
// conformance package runs them with godog; reports record Hash so that two results can be
// compared only when they ran the same scenarios.
package features

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sort"
)

// FS holds every .feature file at its root (io/fs paths such as "axb_bind.feature").
//
//go:embed *.feature
var FS embed.FS

// Files returns the names of the embedded feature files, sorted.
func Files() []string {
	entries, err := fs.ReadDir(FS, ".")
	if err != nil { // cannot happen for an embed.FS root
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Hash returns the hex SHA-256 over all embedded features (file names in sorted order, each name
// and content followed by a NUL byte), for report manifests.
func Hash() string {
	h := sha256.New()
	for _, name := range Files() {
		data, _ := FS.ReadFile(name)
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write(data)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
