package conformance

import (
	"net/http"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// reproduce renders the request behind resp as the curl command of a failure block
// (curlCommand): the method, URL and body as sent (pns.Response.Request), and the headers the
// field's client sends, signed afresh here only to learn their names; the signature header
// itself is printed as $PNS_SIGNED_HEADER with the `harness sign` command for the app. ""
// when the request cannot be rendered.
func (fc *fieldCheck) reproduce(resp *pns.Response) string {
	c := fc.r.clients[fc.iface.Mode]
	if c == nil || resp == nil {
		return ""
	}
	line, body, hasBody := strings.Cut(resp.Request, "\n")
	method, url, ok := strings.Cut(line, " ")
	if !ok || method == "" || url == "" {
		return ""
	}
	h := http.Header{}
	h.Set("Content-Type", pns.ContentTypeJSON)
	c.Signer.Sign(h)
	var raw []byte
	if hasBody {
		raw = []byte(body)
	}
	return curlCommand(method, url, h, raw, c.Signer.AppKey, fc.r.o.ProfileFile, false)
}
