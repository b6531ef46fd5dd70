package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// File names written by WriteAll.
const (
	HTMLFile  = "index.html"
	JUnitFile = "junit.xml"
	JSONFile  = "summary.json"
	// CTRFFile is the CTRF JSON report (https://ctrf.io), the same tests as JUnitFile.
	CTRFFile = "ctrf.json"
	// CSSFile is the stylesheet the page links (WriteCSS): a file, so that the page renders
	// under a strict Content-Security-Policy (ReportCSP).
	CSSFile = "report.css"
)

// WriteAll writes index.html with its report.css, junit.xml, ctrf.json and summary.json into dir (created if needed) and
// returns the path of the HTML page. Each file is rendered in memory first and then written
// through a temporary file and a rename, so a failed render never leaves a truncated report
// next to good ones.
func WriteAll(dir string, s *Summary) (htmlPath string, err error) {
	if s == nil {
		return "", fmt.Errorf("reports: nil summary")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("reports: %w", err)
	}
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{JSONFile, func(b *bytes.Buffer) error { return WriteJSON(b, s) }},
		{JUnitFile, func(b *bytes.Buffer) error { return WriteJUnit(b, s) }},
		{CTRFFile, func(b *bytes.Buffer) error { return WriteCTRF(b, s) }},
		{CSSFile, func(b *bytes.Buffer) error { return WriteCSS(b) }},
		{HTMLFile, func(b *bytes.Buffer) error { return WriteHTML(b, s) }},
	} {
		var buf bytes.Buffer
		if err := f.write(&buf); err != nil {
			return "", err
		}
		if err := writeFileAtomic(filepath.Join(dir, f.name), buf.Bytes()); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, HTMLFile), nil
}

// WriteCTRFFile writes s as a CTRF report (WriteCTRF) to path, through a temporary file and a
// rename: for producers that write their own JUnit file and need ctrf.json beside it.
func WriteCTRFFile(path string, s *Summary) error {
	if s == nil {
		return fmt.Errorf("reports: nil summary")
	}
	var buf bytes.Buffer
	if err := WriteCTRF(&buf, s); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	name := tmp.Name()
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(name, 0o644)
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		os.Remove(name)
		return fmt.Errorf("reports: write %s: %w", path, werr)
	}
	return nil
}
