package main

import (
	"runtime/debug"
	"strings"
)

// buildVersion is the harness version: the -ldflags value when set, else the main module's
// version and VCS revision as recorded by the Go toolchain ("(devel)" builds show the
// revision, with "+dirty" for uncommitted changes).
func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	return versionFromBuildInfo(bi)
}

// versionFromBuildInfo renders the version of bi; split out so that tests can feed it.
func versionFromBuildInfo(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" && !strings.Contains(v, rev[:min(12, len(rev))]) {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev
		if modified == "true" {
			v += "+dirty"
		}
	}
	return v
}
