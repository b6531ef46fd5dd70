package pns

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// DefaultMaxResponseBytes bounds how much of a response body the client reads.
const DefaultMaxResponseBytes = 1 << 20

// Client is a small typed PNS client. It signs every request with its Signer and never follows
// redirects, so that the recording download's 301 and Location stay visible (reference §11).
// A non-zero resultcode is not an error: it is returned in the Response, because for a test
// harness a refused request is data.
type Client struct {
	// BaseURL is the platform's APP access address, e.g. https://rtcpns.cn-north-1.myhuaweicloud.com.
	BaseURL string
	Signer  Signer
	// HTTP is the client used; nil means a client with a 30 s timeout that does not follow
	// redirects.
	HTTP *http.Client
}

// Response is a raw platform answer with its decoded envelope.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Envelope Envelope
	// Request is a short rendering of what was sent (method, URL, body), for reports; it never
	// contains the authentication headers.
	Request string
}

// Code returns the response's resultcode.
func (r *Response) Code() Code { return Code(r.Envelope.ResultCode) }

// OK reports whether the response is a success (resultcode "0").
func (r *Response) OK() bool { return r.Envelope.ResultCode == string(CodeSuccess) }

// Err returns the response as an *Error when it is not a success, nil otherwise.
func (r *Response) Err() error {
	if r.OK() {
		return nil
	}
	return &Error{Code: r.Code(), Desc: r.Envelope.ResultDesc, Status: r.Status}
}

var noRedirect = &http.Client{
	Timeout:       30e9,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Do sends a signed request. params go to the query string; body, when non-nil, is encoded as
// JSON (a []byte or json.RawMessage body is sent verbatim). err is only for transport failures.
func (c *Client) Do(ctx context.Context, method, path string, params url.Values, body any) (*Response, error) {
	u := strings.TrimRight(c.BaseURL, "/") + path
	if len(params) > 0 {
		// Encode escapes + as %2B, as the platform requires, and a blank as +; the blank is
		// sent as %20 instead, so that a platform reading an unescaped + as a plus (D17 leaves
		// it open) still sees the blank the caller meant.
		u += "?" + strings.ReplaceAll(params.Encode(), "+", "%20")
	}
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case json.RawMessage:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("encode body: %w", err)
		}
	}
	var rd io.Reader
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ContentTypeJSON)
	c.Signer.Sign(req.Header)
	hc := c.HTTP
	if hc == nil {
		hc = noRedirect
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, DefaultMaxResponseBytes))
	if err != nil {
		return nil, err
	}
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Body: data, Request: method + " " + u}
	if raw != nil {
		r.Request += "\n" + string(raw)
	}
	if len(data) > 0 {
		_ = json.Unmarshal(data, &r.Envelope) // a non-JSON body leaves the envelope empty
	}
	return r, nil
}

// Call sends a request for an interface and decodes a successful body into out (which may be
// nil). params may be url.Values or a struct with `url` tags.
func (c *Client) Call(ctx context.Context, iface Interface, params any, body any, out any) (*Response, error) {
	var q url.Values
	if params != nil {
		q = Values(params)
	}
	r, err := c.Do(ctx, iface.Method, iface.Path, q, body)
	if err != nil {
		return nil, err
	}
	if out != nil && r.OK() && len(r.Body) > 0 {
		if err := json.Unmarshal(r.Body, out); err != nil {
			return r, fmt.Errorf("decode %s response: %w", iface.ID, err)
		}
	}
	return r, nil
}

// Values turns url.Values or a struct with `url:"name"` tags into query values; zero fields
// are left out, because PNS treats absent and empty parameters differently.
func Values(v any) url.Values {
	if q, ok := v.(url.Values); ok {
		return q
	}
	out := url.Values{}
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return out
	}
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		name := rt.Field(i).Tag.Get("url")
		if name == "" {
			continue
		}
		f := rv.Field(i)
		switch f.Kind() {
		case reflect.String:
			if f.String() != "" {
				out.Set(name, f.String())
			}
		case reflect.Int, reflect.Int64:
			if f.Int() != 0 {
				out.Set(name, strconv.FormatInt(f.Int(), 10))
			}
		}
	}
	return out
}

// Send is Call for the interface with an ID: every row of Interfaces is reachable through it,
// so that a new interface needs no client method. The typed methods below are conveniences
// over it for the interfaces tests and tools call by hand. An ID that Interfaces does not list
// is an error, and nothing is sent.
func (c *Client) Send(ctx context.Context, id string, params, body, out any) (*Response, error) {
	i, ok := InterfaceByID(id)
	if !ok {
		return nil, fmt.Errorf("pns: no interface %q", id)
	}
	return c.Call(ctx, i, params, body, out)
}

// AXBBind binds A and B to an X.
func (c *Client) AXBBind(ctx context.Context, req AXBBindRequest) (*AXBBindResponse, *Response, error) {
	var out AXBBindResponse
	r, err := c.Send(ctx, IfaceAXBBind, nil, req, &out)
	return &out, r, err
}

// AXBUnbind removes a binding, or all bindings of an X.
func (c *Client) AXBUnbind(ctx context.Context, p AXBUnbindParams) (*Response, error) {
	return c.Send(ctx, IfaceAXBUnbind, p, nil, nil)
}

// AXBModify changes a binding.
func (c *Client) AXBModify(ctx context.Context, req AXBModifyRequest) (*Response, error) {
	return c.Send(ctx, IfaceAXBModify, nil, req, nil)
}

// AXBQuery queries bindings.
func (c *Client) AXBQuery(ctx context.Context, p AXBQueryParams) (*AXBQueryResponse, *Response, error) {
	var out AXBQueryResponse
	r, err := c.Send(ctx, IfaceAXBQuery, p, nil, &out)
	return &out, r, err
}

// AXBind binds an A to an X.
func (c *Client) AXBind(ctx context.Context, req AXBindRequest) (*AXBindResponse, *Response, error) {
	var out AXBindResponse
	r, err := c.Send(ctx, IfaceAXBind, nil, req, &out)
	return &out, r, err
}

// AXUnbind removes an AX binding.
func (c *Client) AXUnbind(ctx context.Context, p AXUnbindParams) (*Response, error) {
	return c.Send(ctx, IfaceAXUnbind, p, nil, nil)
}

// AXModify changes an AX binding.
func (c *Client) AXModify(ctx context.Context, req AXModifyRequest) (*Response, error) {
	return c.Send(ctx, IfaceAXModify, nil, req, nil)
}

// AXQuery queries AX bindings.
func (c *Client) AXQuery(ctx context.Context, p AXQueryParams) (*AXQueryResponse, *Response, error) {
	var out AXQueryResponse
	r, err := c.Send(ctx, IfaceAXQuery, p, nil, &out)
	return &out, r, err
}

// AXSetCallee sets the temporary callee of an AX binding.
func (c *Client) AXSetCallee(ctx context.Context, req AXCalleeRequest) (*Response, error) {
	return c.Send(ctx, IfaceAXCallee, nil, req, nil)
}

// AXEBind binds an A to an X with an extension.
func (c *Client) AXEBind(ctx context.Context, req AXEBindRequest) (*AXEBindResponse, *Response, error) {
	var out AXEBindResponse
	r, err := c.Send(ctx, IfaceAXEBind, nil, req, &out)
	return &out, r, err
}

// AXEUnbind removes an AXE binding.
func (c *Client) AXEUnbind(ctx context.Context, p AXEKeyParams) (*Response, error) {
	return c.Send(ctx, IfaceAXEUnbind, p, nil, nil)
}

// AXEModify changes an AXE binding.
func (c *Client) AXEModify(ctx context.Context, req AXEModifyRequest) (*Response, error) {
	return c.Send(ctx, IfaceAXEModify, nil, req, nil)
}

// AXEQuery queries one AXE binding.
func (c *Client) AXEQuery(ctx context.Context, p AXEKeyParams) (*AXEQueryResponse, *Response, error) {
	var out AXEQueryResponse
	r, err := c.Send(ctx, IfaceAXEQuery, p, nil, &out)
	return &out, r, err
}

// RecordingURL asks for a recording's download URL; on success the Response has status 301
// and a Location header.
func (c *Client) RecordingURL(ctx context.Context, p RecordParams) (*Response, error) {
	return c.Send(ctx, IfaceRecordDownload, p, nil, nil)
}
