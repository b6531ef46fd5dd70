package main

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// faultFlag is a repeatable --inject-fault IFACE[=CODE]: every request to that interface is
// answered with CODE (default 1010001), to show what a broken platform looks like in the
// report (and to prove that the run can fail).
type faultFlag map[string]pns.Code

// String lists the faults as IFACE=CODE, sorted; "" when there are none, so that the
// manifest shows no empty row.
func (f faultFlag) String() string {
	parts := make([]string, 0, len(f))
	for id, c := range f {
		parts = append(parts, id+"="+string(c))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func (f faultFlag) Set(v string) error {
	id, code, _ := strings.Cut(v, "=")
	if _, ok := pns.InterfaceByID(id); !ok {
		return fmt.Errorf("unknown interface %q (want e.g. axb.bind, ax.query)", id)
	}
	c := pns.CodeInternalSystemError
	if code != "" {
		c = pns.Code(code)
		if _, ok := pns.Lookup(c); !ok {
			return fmt.Errorf("unknown result code %q", code)
		}
	}
	f[id] = c
	return nil
}

// wrap answers the faulted interfaces before the emulator sees the request.
func (f faultFlag) wrap(next http.Handler) http.Handler {
	if len(f) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if iface, ok, _ := pns.Route(r.Method, r.URL.Path); ok {
			if c, faulty := f[iface.ID]; faulty {
				w.Header().Set("Content-Type", "application/json;charset=utf-8")
				w.WriteHeader(c.HTTPStatus())
				fmt.Fprintf(w, `{"resultcode":%q,"resultdesc":%q}`, c, c.Desc())
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
