package store

import (
	"fmt"
	"regexp"
	"sort"
	"sync"

	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
)

// Store holds the X pools and bindings of every app. It is safe for concurrent use.
type Store struct {
	clk clock.Clock
	// apps and xs are fixed after New and read without locking; the mutable state behind
	// them is guarded by each app's mutex.
	apps     map[string]*appState
	appOrder []*appState
	xs       map[string]*xState
	// cityProvince maps a city code to its province (Options.Areas, completed by the
	// provinces given on pool entries).
	cityProvince map[string]string
	prefixes     map[string]string
	// prefixLens are the distinct prefix lengths, longest first.
	prefixLens []int
	// alt is Options.Alternative.
	alt bool
}

// appState is one app's share of the state, guarded by mu.
type appState struct {
	mu  sync.RWMutex
	cfg App
	// capacity is the number of bindings one X can carry in the app's mode.
	capacity int
	xs       []*xState // sorted by number
	byNum    map[string]*xState
	// heaps order the app's X numbers by (binding count, number) for selection.
	cities    map[string]*xHeap
	provinces map[string]*xHeap
	all       *xHeap

	// modeApps are the bindings and indexes of each mode (modes.go).
	modeApps
	exp expHeap
}

// xState is one X number; its mutable fields are guarded by its app's mutex.
type xState struct {
	number   string
	city     string
	province string
	sms      bool
	app      *appState
	status   string
	count    int
	// rank is the X's index in its app's xs (sorted by number), its tie-break in the heaps.
	rank int
	// hidx are the X's positions in its city, province and app-wide heaps (-1 = absent).
	hidx [3]int
	// modeXs are the X's indexes of each mode (modes.go).
	modeXs
}

var (
	reMobilePrefix = regexp.MustCompile(`^\+86[0-9]{1,11}$`)
	validStatus    = map[string]bool{StatusNormal: true, StatusPaused: true, StatusUnavailable: true, StatusFrozen: true}
)

// New validates the options and builds an empty store. Errors name the offending entry.
func New(opts Options) (*Store, error) {
	s := &Store{
		clk:          opts.Clock,
		alt:          opts.Alternative,
		apps:         make(map[string]*appState, len(opts.Apps)),
		xs:           make(map[string]*xState, len(opts.Pool)),
		cityProvince: make(map[string]string, len(opts.Areas)),
		prefixes:     make(map[string]string, len(opts.MobilePrefixAreas)),
	}
	if s.clk == nil {
		s.clk = clock.Wall{}
	}
	if err := s.loadAreas(opts.Areas, opts.MobilePrefixAreas); err != nil {
		return nil, err
	}
	for i, a := range opts.Apps {
		if a.Key == "" {
			return nil, fmt.Errorf("store: app %d: empty key", i+1)
		}
		if _, dup := s.apps[a.Key]; dup {
			return nil, fmt.Errorf("store: app %q listed twice", a.Key)
		}
		as, err := newAppState(a)
		if err != nil {
			return nil, err
		}
		s.apps[a.Key] = as
		s.appOrder = append(s.appOrder, as)
	}
	for i, xn := range opts.Pool {
		if err := s.addPoolNumber(i, xn); err != nil {
			return nil, err
		}
	}
	s.buildHeaps()
	return s, nil
}

// loadAreas checks and keeps the provinces of city codes and the city codes of mobile
// prefixes (longest prefix first when looked up).
func (s *Store) loadAreas(areas, mobilePrefixAreas map[string]string) error {
	for _, city := range sortedKeys(areas) {
		if !pns.ValidAreaCode(city) {
			return fmt.Errorf("store: areas: invalid city code %q", city)
		}
		if areas[city] == "" {
			return fmt.Errorf("store: areas: city code %q: empty province", city)
		}
		s.cityProvince[city] = areas[city]
	}
	lens := map[int]bool{}
	for _, p := range sortedKeys(mobilePrefixAreas) {
		if !reMobilePrefix.MatchString(p) {
			return fmt.Errorf("store: mobilePrefixAreas: invalid prefix %q", p)
		}
		city := mobilePrefixAreas[p]
		if !pns.ValidAreaCode(city) {
			return fmt.Errorf("store: mobilePrefixAreas: prefix %q: invalid city code %q", p, city)
		}
		s.prefixes[p] = city
		lens[len(p)] = true
	}
	for l := range lens {
		s.prefixLens = append(s.prefixLens, l)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(s.prefixLens)))
	return nil
}

// newAppState checks app a, fills its defaults and makes its empty state, with the capacity
// of one X number in its mode.
func newAppState(a App) (*appState, error) {
	if !a.Mode.ValidApp() { // X mode keeps no bindings: the customer's server routes each call (§6.6)
		return nil, fmt.Errorf("store: app %q: unknown mode %q", a.Key, a.Mode)
	}
	if a.ExtensionDigits == 0 {
		a.ExtensionDigits = DefaultExtensionDigits
	}
	if a.ExtensionDigits < 1 || a.ExtensionDigits > 4 {
		return nil, fmt.Errorf("store: app %q: extensionDigits %d out of range 1-4", a.Key, a.ExtensionDigits)
	}
	if a.MaxPairsPerX == 0 {
		a.MaxPairsPerX = DefaultMaxPairsPerX
	}
	if a.MaxPairsPerX < 0 {
		return nil, fmt.Errorf("store: app %q: maxPairsPerX %d must be positive", a.Key, a.MaxPairsPerX)
	}
	as := &appState{
		cfg:       a,
		byNum:     map[string]*xState{},
		cities:    map[string]*xHeap{},
		provinces: map[string]*xHeap{},
		all:       &xHeap{slot: 2},
	}
	if m := as.modeOf(); m != nil {
		c, err := m.capacity(&as.cfg)
		if err != nil {
			return nil, err
		}
		as.capacity = c
	}
	as.initMaps()
	return as, nil
}

// addPoolNumber checks pool entry i and adds its X number to the store and to its app.
func (s *Store) addPoolNumber(i int, xn XNumber) error {
	if !pns.IsMobile(xn.Number) {
		return fmt.Errorf("store: pool entry %d: number %q is not a +86 mobile number", i+1, xn.Number)
	}
	if _, dup := s.xs[xn.Number]; dup {
		return fmt.Errorf("store: pool number %q listed twice", xn.Number)
	}
	as, ok := s.apps[xn.App]
	if !ok {
		return fmt.Errorf("store: pool number %q: unknown app %q", xn.Number, xn.App)
	}
	if !pns.ValidAreaCode(xn.CityCode) {
		return fmt.Errorf("store: pool number %q: invalid city code %q", xn.Number, xn.CityCode)
	}
	status := xn.Status
	if status == "" {
		status = StatusNormal
	}
	if !validStatus[status] {
		return fmt.Errorf("store: pool number %q: invalid status %q", xn.Number, xn.Status)
	}
	prov := xn.Province
	if prov == "" {
		prov = s.cityProvince[xn.CityCode]
	} else if _, known := s.cityProvince[xn.CityCode]; !known {
		s.cityProvince[xn.CityCode] = prov
	}
	x := &xState{
		number: xn.Number, city: xn.CityCode, province: prov, sms: xn.SMS,
		app: as, status: status, hidx: [3]int{-1, -1, -1},
	}
	x.initMaps(as.cfg.Mode)
	s.xs[x.number] = x
	as.xs = append(as.xs, x)
	as.byNum[x.number] = x
	return nil
}

// buildHeaps sorts each app's X numbers and fills its selection heaps: per city, per
// province and all.
func (s *Store) buildHeaps() {
	for _, as := range s.appOrder {
		sort.Slice(as.xs, func(i, j int) bool { return as.xs[i].number < as.xs[j].number })
		for i, x := range as.xs {
			x.rank = i
			h := as.cities[x.city]
			if h == nil {
				h = &xHeap{slot: 0}
				as.cities[x.city] = h
			}
			h.push(x)
			if x.province != "" {
				h := as.provinces[x.province]
				if h == nil {
					h = &xHeap{slot: 1}
					as.provinces[x.province] = h
				}
				h.push(x)
			}
			as.all.push(x)
		}
	}
}

// initMaps empties the app's bindings of every mode, so that a lookup of another mode's
// binding finds nothing rather than a nil map, and its expiry schedule.
func (a *appState) initMaps() {
	a.modeApps = modeApps{}
	eachMode(func(_ pns.Mode, m *modeStore) { m.initApp(a) })
	a.exp = nil
}

// initMaps empties the X's indexes: those of its app's mode, the others' left nil.
func (x *xState) initMaps(m pns.Mode) {
	x.modeXs = modeXs{}
	if ms := modeStores[m]; ms != nil {
		ms.initX(x)
	}
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// app returns the state of an app of the given mode, or the error the HTTP layer would have
// answered already (unknown key 1010003, other mode 1010040).
func (s *Store) app(key string, mode pns.Mode) (*appState, *pns.Error) {
	as, ok := s.apps[key]
	if !ok {
		return nil, pns.NewError(pns.CodeInvalidAppKey)
	}
	if as.cfg.Mode != mode {
		return nil, pns.NewError(pns.CodeAPINotAllowed)
	}
	return as, nil
}

// owned returns the app's X number n, or nil when n is not one of the app's numbers.
func (a *appState) owned(n string) *xState { return a.byNum[n] }

// areaOf returns the city code of a real number: from the number for a fixed line, from the
// prefix table for a mobile (longest prefix wins), "" when unknown (D34).
func (s *Store) areaOf(n string) string {
	if city, ok := pns.AreaOfFixedLine(n); ok {
		return city
	}
	if !pns.IsMobile(n) {
		return ""
	}
	for _, l := range s.prefixLens {
		if l > len(n) {
			continue
		}
		if city, ok := s.prefixes[n[:l]]; ok {
			return city
		}
	}
	return ""
}

// setCount changes an X's binding count and keeps the selection heaps ordered.
func (a *appState) setCount(x *xState, delta int) {
	x.count += delta
	if i := x.hidx[0]; i >= 0 {
		a.cities[x.city].fix(i)
	}
	if i := x.hidx[1]; i >= 0 {
		a.provinces[x.province].fix(i)
	}
	if i := x.hidx[2]; i >= 0 {
		a.all.fix(i)
	}
}

// Reset removes every binding, temporary callee and callback record; X statuses stay.
func (s *Store) Reset() {
	for _, a := range s.appOrder {
		a.mu.Lock()
		a.initMaps()
		for _, x := range a.xs {
			x.initMaps(a.cfg.Mode)
			x.count = 0
		}
		for _, h := range a.cities {
			h.init()
		}
		for _, h := range a.provinces {
			h.init()
		}
		a.all.init()
		a.mu.Unlock()
	}
}

// LookupX tells which app and mode own an X number.
func (s *Store) LookupX(number string) (app string, mode pns.Mode, ok bool) {
	x := s.xs[number]
	if x == nil {
		return "", "", false
	}
	return x.app.cfg.Key, x.app.cfg.Mode, true
}

// XInfo returns an X's configuration, status and live binding count.
func (s *Store) XInfo(number string) (XInfo, bool) {
	x := s.xs[number]
	if x == nil {
		return XInfo{}, false
	}
	s.lock(x.app)
	defer x.app.mu.Unlock()
	return x.info(), true
}

// info builds an XInfo; the caller holds the app's lock and has purged expired bindings.
func (x *xState) info() XInfo {
	return XInfo{
		Number: x.number, App: x.app.cfg.Key, Mode: x.app.cfg.Mode, CityCode: x.city,
		Province: x.province, SMS: x.sms, Status: x.status, Bindings: x.count,
	}
}

// XNumbers returns the X numbers of one app ("" = all apps), ordered by app then number.
func (s *Store) XNumbers(app string) []XInfo {
	var out []XInfo
	for _, a := range s.appOrder {
		if app != "" && a.cfg.Key != app {
			continue
		}
		s.lock(a)
		for _, x := range a.xs {
			out = append(out, x.info())
		}
		a.mu.Unlock()
	}
	return out
}

// SetXStatus changes an X's status and returns the previous one. Existing bindings stay; only
// new bindings need status "5" (D32).
func (s *Store) SetXStatus(number, status string) (string, error) {
	x := s.xs[number]
	if x == nil {
		return "", fmt.Errorf("store: unknown X number %q", number)
	}
	if !validStatus[status] {
		return "", fmt.Errorf("store: X number %q: invalid status %q (want 5, 9, 10 or 11)", number, status)
	}
	x.app.mu.Lock()
	prev := x.status
	x.status = status
	x.app.mu.Unlock()
	return prev, nil
}

// App returns an app's configuration with defaults applied.
func (s *Store) App(key string) (App, bool) {
	a, ok := s.apps[key]
	if !ok {
		return App{}, false
	}
	return a.cfg, true
}
