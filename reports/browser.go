package reports

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// ErrNoChromium is returned by FindChromium and Screenshot when no Chromium-family browser
// is installed.
var ErrNoChromium = errors.New("chromium not installed: apt-get install -y chromium")

// FindChromium returns the path of a headless-capable Chromium: /usr/bin/chromium, or
// chromium, chromium-browser, google-chrome or google-chrome-stable in PATH.
func FindChromium() (string, error) {
	if fi, err := os.Stat("/usr/bin/chromium"); err == nil && !fi.IsDir() {
		return "/usr/bin/chromium", nil
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// ChromiumArgs are the flags used for every headless invocation: no sandbox (containers run
// as root), no GPU, no background network traffic of the browser itself, and no DNS at all,
// so that a report that tried to fetch anything would render visibly broken instead of
// silently reaching the network.
func ChromiumArgs(profileDir string) []string {
	return []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
		"--host-resolver-rules=MAP * ~NOTFOUND",
		"--user-data-dir=" + profileDir,
	}
}

// Screenshot renders htmlPath in headless Chromium and writes a PNG of width×height pixels
// to pngPath. ctx bounds the browser's run time: Chromium is killed when it is done.
func Screenshot(ctx context.Context, htmlPath, pngPath string, width, height int) error {
	return chromiumWrite(ctx, htmlPath, pngPath, "screenshot", func(out string) []string {
		return []string{"--screenshot=" + out, "--window-size=" + strconv.Itoa(width) + "," + strconv.Itoa(height)}
	})
}

// PrintPDF prints htmlPath with headless Chromium (the page's print stylesheet, no header or
// footer) to pdfPath, as a release manager printing the report would get it.
func PrintPDF(ctx context.Context, htmlPath, pdfPath string) error {
	return chromiumWrite(ctx, htmlPath, pdfPath, "print-to-pdf", func(out string) []string {
		return []string{"--print-to-pdf=" + out, "--no-pdf-header-footer"}
	})
}

// chromiumWrite runs headless Chromium on htmlPath with the flags that write outPath.
func chromiumWrite(ctx context.Context, htmlPath, outPath, what string, flags func(out string) []string) error {
	bin, err := FindChromium()
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(htmlPath)
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	out, err := filepath.Abs(outPath)
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	profile, err := os.MkdirTemp("", "pns-harness-chromium-")
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	defer os.RemoveAll(profile)
	args := append(ChromiumArgs(profile), flags(out)...)
	args = append(args, (&url.URL{Scheme: "file", Path: abs}).String())
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("reports: chromium %s: %w: %s", what, err, tail(stderr.String(), 2000))
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
		return fmt.Errorf("reports: chromium wrote nothing to %s: %s", out, tail(stderr.String(), 2000))
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
