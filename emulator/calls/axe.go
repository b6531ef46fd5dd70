// This file is split from sim.go (issue 23): the routing rule of AXE calls, registered in
// modeRoutes from here like every mode's.

package calls

import "github.com/pns-harness/pns-harness/pns"

// init registers the AXE routing rule in modeRoutes; AXE fee records carry serviceType 005,
// and AXE has no SMS (a text to an AXE number is refused before routing).
func init() { modeRoutes[pns.ModeAXE] = modeCalls{route: (*Simulator).routeAXE, serviceType: "005"} }

// routeAXE applies the AXE rule of §7.4: A calling X reaches the last caller (the callback
// record) or callbackNum; anyone else is prompted for the extension and reaches its A.
func (s *Simulator) routeAXE(req CallRequest) decision {
	if b, ok := s.be.AXEByBindNum(req.Called, req.Caller); ok {
		if c, ok := s.be.Callback(req.Called, b.A); ok {
			return decision{binding: &b, direction: 1, target: c, reason: "A calls X: forwarded to the last caller (callback record)"}
		}
		if b.CallbackNum != "" {
			return decision{binding: &b, direction: 1, target: b.CallbackNum, reason: "A calls X without a callback record: forwarded to callbackNum"}
		}
		return fail(&b, 1, CauseNoCallback, "A calls X without a callback record or callbackNum")
	}
	b, ok := s.be.AXEByExtension(req.Called, req.Extension)
	if !ok || req.Extension == "" {
		d := fail(nil, 2, CauseNoExtension, "unknown or expired extension")
		d.collect = true
		return d
	}
	if b.DisplayNumMode == "1" {
		d := fail(&b, 0, CauseRealCallerShown, "displayNumMode is \"1\"")
		d.collect = true
		return d
	}
	return decision{binding: &b, direction: 0, target: b.A, collect: true, callbackA: b.A,
		reason: "caller entered the extension: forwarded to A"}
}
