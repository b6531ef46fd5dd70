package calls

import (
	"bytes"
	"encoding/binary"
	"math"
	"net/url"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// Recording lifetimes of reference §11 / D75, on the emulator clock.
const (
	// RecordingRetention is how long a recording exists after its fee record is pushed.
	RecordingRetention = 7 * 24 * time.Hour
	// DownloadURLValidity is how long a download URL returned by the §11 interface works.
	DownloadURLValidity = 3 * 24 * time.Hour
	// RecordingPath is the path prefix that serves recording files: on the provisioning
	// listener, so that a platform-only emulator serves the files its Locations name.
	RecordingPath = emulator.RecordingFilesPath
)

// WAV format of generated recordings: 8 kHz, mono, 16-bit PCM.
const (
	wavRate = 8000
	wavTone = 440.0
)

type recording struct {
	name    string
	appKey  string
	domain  string
	ready   time.Time // end of the call: before it the file does not exist yet
	expires time.Time
	seconds int
}

type token struct {
	name    string
	expires time.Time
}

type recordings struct {
	mu     sync.Mutex
	byName map[string]*recording
	tokens map[string]token
	adds   int
}

// gcEvery is how many new recordings trigger a sweep of expired ones, so that a long load
// test with recorded calls does not keep every recording of the run.
const gcEvery = 1024

func newRecordings() *recordings {
	return &recordings{byName: map[string]*recording{}, tokens: map[string]token{}}
}

func (r *recordings) add(rec *recording, now time.Time) {
	r.mu.Lock()
	r.byName[rec.name] = rec
	r.adds++
	if r.adds%gcEvery == 0 {
		r.gc(now)
	}
	r.mu.Unlock()
}

// gc drops expired recordings and tokens; called with mu held.
func (r *recordings) gc(now time.Time) {
	for k, v := range r.byName {
		if !now.Before(v.expires) {
			delete(r.byName, k)
		}
	}
	for k, v := range r.tokens {
		if !now.Before(v.expires) {
			delete(r.tokens, k)
		}
	}
}

func (r *recordings) live(name string, now time.Time) (*recording, bool) {
	rec, ok := r.byName[name]
	if !ok || now.Before(rec.ready) || !now.Before(rec.expires) {
		return nil, false
	}
	return rec, true
}

// ResolveRecording answers the recording download interface (§11) for an authenticated app:
// it returns the download path (RecordingPath + name + "?token=…", valid DownloadURLValidity of
// emulator time) to send in the 301 Location header, or a PNS error: 1010002 naming a missing
// parameter, 1012007 with HTTP 404 for an unknown, foreign, not yet finished or expired
// recording or a mismatching recordDomain. The path is relative: the emulator prefixes the
// scheme and host the client used (or its publicBaseURL), see Emulator.serveRecord.
func (s *Simulator) ResolveRecording(appKey, fileName, recordDomain string) (string, *pns.Error) {
	if fileName == "" {
		return "", pns.InvalidRequest("fileName")
	}
	if recordDomain == "" {
		return "", pns.InvalidRequest("recordDomain")
	}
	notFound := &pns.Error{Code: pns.CodeRecordNotExist, Desc: pns.CodeRecordNotExist.Desc(), Status: 404}
	now := s.clk.Now()
	r := s.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gc(now)
	rec, ok := r.live(fileName, now)
	if !ok || rec.appKey != appKey || rec.domain != recordDomain {
		return "", notFound
	}
	tok := randHex(16)
	r.tokens[tok] = token{name: rec.name, expires: now.Add(DownloadURLValidity)}
	return RecordingPath + url.PathEscape(rec.name) + "?token=" + tok, nil
}

// recordingFile returns the WAV bytes of a recording for a download token, or why not.
func (s *Simulator) recordingFile(name, tok string) ([]byte, int, string) {
	now := s.clk.Now()
	r := s.rec
	r.mu.Lock()
	r.gc(now)
	t, tokOK := r.tokens[tok]
	rec, recOK := r.live(name, now)
	r.mu.Unlock()
	switch {
	case tok == "":
		return nil, 403, "missing token: get a download URL from " + pns.PathRecordDownload
	case !tokOK || t.name != name:
		return nil, 403, "invalid or expired download token"
	case !recOK:
		return nil, 404, "the record does not exist"
	}
	return WAV(rec.seconds), 200, ""
}

// WAV returns a RIFF/WAVE file of seconds seconds of a 440 Hz tone, 8 kHz mono 16-bit PCM.
func WAV(seconds int) []byte {
	if seconds < 0 {
		seconds = 0
	}
	n := seconds * wavRate
	var b bytes.Buffer
	b.Grow(44 + 2*n)
	le := binary.LittleEndian
	w32 := func(v uint32) { _ = binary.Write(&b, le, v) }
	w16 := func(v uint16) { _ = binary.Write(&b, le, v) }
	b.WriteString("RIFF")
	w32(uint32(36 + 2*n))
	b.WriteString("WAVE")
	b.WriteString("fmt ")
	w32(16)          // fmt chunk size
	w16(1)           // PCM
	w16(1)           // mono
	w32(wavRate)     // sample rate
	w32(wavRate * 2) // byte rate
	w16(2)           // block align
	w16(16)          // bits per sample
	b.WriteString("data")
	w32(uint32(2 * n))
	samples := make([]byte, 2*n)
	for i := 0; i < n; i++ {
		v := int16(8000 * math.Sin(2*math.Pi*wavTone*float64(i)/wavRate))
		le.PutUint16(samples[2*i:], uint16(v))
	}
	b.Write(samples)
	return b.Bytes()
}
