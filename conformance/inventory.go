package conformance

import (
	"bufio"
	"crypto/sha256"
	_ "embed" // the checked-in inventory
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// InventoryFile is the checked-in rule inventory, generated from the reference by
// `go test ./conformance -run TestInventoryCurrent -update` (users and CI do not have the
// reference, so the inventory is embedded instead of parsed at run time).
const InventoryFile = "rules.json"

//go:embed rules.json
var inventoryJSON []byte

// Inventory is every rule of the contract: each statement or table row of the reference that
// carries a confidence marker ([V], [C], [I]) and each emulator decision D-n.
type Inventory struct {
	// Reference is the SHA-256 of the reference text the inventory was generated from, so that
	// a stale inventory is detected without comparing rule by rule.
	Reference string `json:"reference"`
	// Rules are in the reference's order.
	Rules []InventoryRule `json:"rules"`
}

// InventoryRule is one rule of the contract.
type InventoryRule struct {
	// ID is stable while the rule's text keeps its leading words: "<section>/<slug>" for a
	// statement or table row (the slug is the row's first cell or the statement's first
	// words, with "~2", "~3" when a section repeats it), or the decision's own ID ("D8").
	ID string `json:"id"`
	// Section is the reference section ("3.2"; "14.1" for decisions).
	Section string `json:"section"`
	// Class says what kind of mistake breaking the rule is (pns.RuleClasses).
	Class pns.RuleClass `json:"class"`
	// Markers are the confidence markers and decisions the rule carries ("[V]", "D28").
	Markers []string `json:"markers"`
	// Platform, for a decision, is the reference's "real platform" column: what may be
	// asserted on a target that is not the emulator.
	Platform string `json:"platform,omitempty"`
	// Text is the beginning of the statement, to recognise it (the reference has the rest).
	Text string `json:"text"`
}

// LoadInventory returns the checked-in inventory.
func LoadInventory() (*Inventory, error) {
	var inv Inventory
	if err := json.Unmarshal(inventoryJSON, &inv); err != nil {
		return nil, fmt.Errorf("%s: %w", InventoryFile, err)
	}
	return &inv, nil
}

// ByID returns the rule with the given ID.
func (inv *Inventory) ByID(id string) (InventoryRule, bool) {
	for _, r := range inv.Rules {
		if r.ID == id {
			return r, true
		}
	}
	return InventoryRule{}, false
}

var (
	markerRE   = regexp.MustCompile(`\[[VCI]\]|\bD[0-9]{1,3}\b`)
	confRE     = regexp.MustCompile(`\[[VCI]\]`)
	sectionRE  = regexp.MustCompile(`^#{2,3} ([0-9]+(?:\.[0-9]+)?)\.? `)
	decisionRE = regexp.MustCompile(`^D[0-9]{1,3}$`)
	slugRE     = regexp.MustCompile(`[^A-Za-z0-9.]+`)
	bulletRE   = regexp.MustCompile(`^\s*(?:[*-]|[0-9]+\.)\s`)
)

// ParseReference builds the inventory from the reference's Markdown text: sections 1-13 give
// one rule per marked table row and per marked paragraph or list item; the decision table of
// §14.1 gives one rule per D-n. The confidence table before §1, code blocks, and §14.2-§14.3
// (settings, disagreements between sources) hold no rules.
func ParseReference(r io.Reader) (*Inventory, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	inv := &Inventory{Reference: hex.EncodeToString(sum[:]), Rules: []InventoryRule{}}
	p := refParser{inv: inv, seen: map[string]int{}}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		p.line(sc.Text())
	}
	p.flush()
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(inv.Rules) == 0 {
		return nil, fmt.Errorf("no rule found: not the PNS reference?")
	}
	return inv, nil
}

// refParser reads the reference line by line: it knows the current section, the table being
// read and the paragraph or list item being collected.
type refParser struct {
	inv     *Inventory
	section string // "" before §1 and after §14.1
	label   string // the last prose line before a table ("Response:", "Request body:")
	header  []string
	code    bool
	para    []string
	bullet  bool   // para is a list item
	inherit string // the markers of a list's introduction ("Global format [V]:"), for its items
	seen    map[string]int
}

func (p *refParser) line(l string) {
	if strings.HasPrefix(strings.TrimSpace(l), "```") {
		p.flush()
		p.inherit = ""
		p.code = !p.code
		return
	}
	if p.code {
		return
	}
	if m := sectionRE.FindStringSubmatch(l); m != nil {
		p.flush()
		p.section = m[1]
		major, _ := strconv.Atoi(strings.SplitN(p.section, ".", 2)[0])
		if major < 1 || major > 14 || (major == 14 && p.section != "14.1") {
			p.section = ""
		}
		p.label, p.header, p.inherit = "", nil, ""
		return
	}
	if strings.HasPrefix(l, "#") {
		p.flush()
		p.section = ""
		return
	}
	if p.section == "" {
		return
	}
	t := strings.TrimSpace(l)
	switch {
	case strings.HasPrefix(t, "|"):
		p.flush()
		p.inherit = ""
		p.row(t)
	case t == "":
		p.flush()
		p.header = nil
	case bulletRE.MatchString(l):
		p.flush()
		p.header = nil
		p.bullet = true
		p.para = append(p.para, t)
	default:
		if p.header != nil { // prose right after a table ends it
			p.header = nil
		}
		if len(p.para) == 0 { // a new paragraph ends the list an introduction marked
			p.inherit = ""
		}
		p.para = append(p.para, t)
	}
}

// cells splits a table row; an escaped pipe (`\|now − Created\|`) stays inside its cell.
func cells(row string) []string {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	parts := strings.Split(strings.ReplaceAll(row, `\|`, "\x00"), "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(strings.ReplaceAll(parts[i], "\x00", `\|`))
	}
	return parts
}

func (p *refParser) row(t string) {
	cs := cells(t)
	if p.header == nil {
		p.header = cs
		return
	}
	if strings.Trim(strings.Join(cs, ""), "-: ") == "" { // the separator row
		return
	}
	if p.section == "14.1" {
		if len(cs) > 0 && decisionRE.MatchString(cs[0]) {
			topic := ""
			if len(cs) > 1 {
				topic = cs[1]
			}
			r := InventoryRule{ID: cs[0], Section: p.section, Class: decisionClass(cs[0]),
				Markers: []string{cs[0]}, Platform: cs[len(cs)-1], Text: short(topic)}
			p.inv.Rules = append(p.inv.Rules, r)
		}
		return
	}
	if !confRE.MatchString(t) {
		return
	}
	key := cs[0]
	if n, err := strconv.Atoi(strings.Trim(key, "`")); err == nil && n >= 100 && n < 600 && len(cs) > 1 {
		key = cs[1] // §12 and §1.6: the HTTP status repeats; the code names the row
	}
	label := p.label
	if len(p.header) > 2 && p.header[2] == "Presence" { // the query answers' list tables
		label = "response"
	}
	p.add(key, sectionClass(p.section, label, t, false), t)
}

// flush ends a paragraph or list item: it is a rule when it carries a confidence marker.
func (p *refParser) flush() {
	if len(p.para) == 0 {
		return
	}
	text := strings.Join(p.para, " ")
	bullet := p.bullet
	p.para, p.bullet = nil, false
	if strings.HasSuffix(text, ":") {
		p.label = text
		if len(text) < 80 { // "Response [V]:", "Official example [V]:" introduce, not state
			p.inherit = strings.Join(confRE.FindAllString(text, -1), " ")
			return
		}
	}
	if p.section == "14.1" {
		return
	}
	if !confRE.MatchString(text) {
		if !bullet || p.inherit == "" {
			return
		}
		text += " " + p.inherit // an item of a list whose introduction carries the marker
	}
	words := strings.Fields(markerRE.ReplaceAllString(bulletRE.ReplaceAllString(text, ""), ""))
	if len(words) > 5 {
		words = words[:5]
	}
	p.add(strings.Join(words, " "), sectionClass(p.section, "", text, true), text)
}

func (p *refParser) add(key string, class pns.RuleClass, text string) {
	slug := strings.Trim(slugRE.ReplaceAllString(strings.ReplaceAll(key, "`", ""), "-"), "-.")
	if len(slug) > 40 {
		slug = strings.TrimRight(slug[:40], "-.")
	}
	if slug == "" {
		slug = "rule"
	}
	id := p.section + "/" + slug
	p.seen[id]++
	if n := p.seen[id]; n > 1 {
		id += "~" + strconv.Itoa(n)
	}
	var markers []string
	have := map[string]bool{}
	for _, m := range markerRE.FindAllString(text, -1) {
		if !have[m] {
			have[m] = true
			markers = append(markers, m)
		}
	}
	p.inv.Rules = append(p.inv.Rules, InventoryRule{ID: id, Section: p.section, Class: class,
		Markers: markers, Text: short(text)})
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 140 {
		return string(r[:140]) + "…"
	}
	return s
}

// sectionClass classifies a statement by where the reference states it: request tables are
// validation, response tables answers, prose of the binding sections state.
func sectionClass(section, label, text string, prose bool) pns.RuleClass {
	in := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if section == p || strings.HasPrefix(section, p+".") {
				return true
			}
		}
		return false
	}
	lower := strings.ToLower(text)
	if strings.Contains(lower, "lockout") {
		return pns.ClassLockout
	}
	if in("13") { // the limits table spans every class
		switch {
		case strings.Contains(lower, "recording"):
			return pns.ClassRecording
		case strings.Contains(lower, "push") || strings.Contains(lower, "re-send"):
			return pns.ClassNotification
		case strings.Contains(lower, "nonce") || strings.Contains(lower, "qps"):
			return pns.ClassAuth
		case strings.Contains(lower, "stop call"):
			return pns.ClassCallControl
		case in("13.6") && strings.HasPrefix(text, "|") && strings.Contains(cells(text)[0], "`"):
			return pns.ClassValidation // the range of a field (`duration`, `pageSize`, …)
		}
	}
	switch {
	case in("1.1", "1.2", "1.3"):
		return pns.ClassTransport
	case in("1.4", "1.7"):
		return pns.ClassValidation
	case in("1.5", "1.6", "12"):
		return pns.ClassAnswer
	case in("2"):
		if strings.Contains(lower, "locked out") {
			return pns.ClassLockout
		}
		return pns.ClassAuth
	case in("6.6", "6.7", "10.3", "11.2"):
		return pns.ClassCallControl
	case in("6.8", "7", "8", "9", "10"):
		return pns.ClassNotification
	case in("11.1"):
		return pns.ClassRecording
	case in("13"):
		return pns.ClassState
	}
	if prose {
		return pns.ClassState
	}
	if strings.Contains(strings.ToLower(label), "response") || strings.Contains(strings.ToLower(label), "answer") {
		return pns.ClassAnswer
	}
	return pns.ClassValidation
}

// decisionClass classifies the decisions of §14.1 by the subject of their topic (D1-D13
// authentication, D66-D77 notifications, …).
func decisionClass(id string) pns.RuleClass {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "D"))
	switch {
	case n == 8:
		return pns.ClassLockout
	case n <= 13:
		return pns.ClassAuth
	case n == 14 || n == 15 || n == 41 || n == 64:
		return pns.ClassAnswer
	case n == 26:
		return pns.ClassTransport
	case n <= 29 || (n >= 52 && n <= 56 && n != 55):
		return pns.ClassValidation
	case n == 75:
		return pns.ClassRecording
	case n >= 66 && n <= 77 || n == 91:
		if n == 76 {
			return pns.ClassState
		}
		return pns.ClassNotification
	case n >= 79 && n <= 81 || n >= 87 && n <= 90:
		return pns.ClassCallControl
	}
	return pns.ClassState
}
