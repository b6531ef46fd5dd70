// Package pns is the Private Number Service contract in Go: the interface map, the result-code
// table, global number formats, X-AKSK / X-WSSE signing and verification, request and response
// types, and a small typed client. Every other package of the harness builds on it; the rules
// come from ../shared/reference/pns-api.md and each is tagged there [V], [C] or [I].
package pns

import (
	"fmt"
	"net/http"
	"sort"
)

// Code is a PNS result code as sent in the response envelope's `resultcode` (always a JSON
// string, "0" on success).
type Code string

// Result codes of reference §12. The names say what triggers them, not the English description,
// because several codes share a description.
const (
	CodeSuccess              Code = "0"
	CodeAuthorizationMissing Code = "1023006"
	CodeRealmMissing         Code = "1023007"
	CodeProfileMissing       Code = "1023008"
	CodeRealmInvalid         Code = "1023009"
	CodeProfileInvalid       Code = "1023010"
	CodeTypeInvalid          Code = "1023011"
	CodeTypeMissing          Code = "1023012"
	CodeWSSEMissingInAuth    Code = "1023013"
	CodeXWSSEMissing         Code = "1023026"
	CodeWSSEUsernameMissing  Code = "1023027"
	CodeWSSENonceMissing     Code = "1023028"
	CodeWSSECreatedMissing   Code = "1023029"
	CodeWSSEDigestMissing    Code = "1023030"
	CodeWSSECreatedInvalid   Code = "1023031"
	CodeXAKSKMissing         Code = "1023033"
	CodeUsernameMissing      Code = "1023034"
	CodeNonceMissing         Code = "1023035"
	CodeCreatedMissing       Code = "1023036"
	CodeDigestMissing        Code = "1023037"
	CodeUsernameTokenMissing Code = "1023038"
	CodeInvalidDigest        Code = "1010010"
	CodeTimeOutLimit         Code = "1010013"
	CodeInvalidRequest       Code = "1010002"
	CodeInvalidAppKey        Code = "1010003"
	CodeAppUnavailable       Code = "1010021"
	CodeFrozen               Code = "1010029"
	CodeAPINotAllowed        Code = "1010040"
	CodeAccountNotExist      Code = "1011001"
	CodeAXNoResource         Code = "1011002"
	CodeAXLimitReached       Code = "1011003"
	CodeAXNumberNotApplied   Code = "1011004"
	CodeAXAllocated          Code = "1011005"
	CodeNumberNotApplied     Code = "1012001"
	CodeRecordNotExist       Code = "1012007"
	CodeNoResource           Code = "1012008"
	CodeRelationBound        Code = "1012010"
	CodeRecordingNotOpen     Code = "1012012"
	CodeBlacklisted          Code = "1012102"
	CodeAXRecordNotExist     Code = "1016001"
	CodeAXRecordExists       Code = "1016002"
	CodeIPNotWhitelisted     Code = "1020166"
	CodeNoIdleExtension      Code = "1020167"
	CodeLockedOut            Code = "1020176"
	CodeInternalSystemError  Code = "1010001"
	CodeInternalError        Code = "1023001"
	CodeResponseTimeout      Code = "1023002"
)

// DescFlowControl is the second meaning of 1010010 (FAQ vs result tables, reference D11): the
// code is the same, only the description tells flow control from a bad digest.
const DescFlowControl = "The flow control upper limit is reached on the platform."

// Tag says how well a fact is established: verified in Huawei's docs, seen in real clients, or
// inferred / chosen by the emulator.
type Tag string

// Tags of the reference.
const (
	Verified   Tag = "V"
	ClientSeen Tag = "C"
	Inferred   Tag = "I"
)

// CodeInfo is one row of the result-code table of reference §12.
type CodeInfo struct {
	Code Code
	// HTTP is the status the emulator answers with (reference §1.6 / D14).
	HTTP int
	// Desc is the exact resultdesc the emulator sends. For 1010002 it is the prefix
	// "Invalid request." to which the field name is appended.
	Desc string
	// HTTPTag says whether the HTTP status is documented ([V]) or the emulator's choice.
	HTTPTag Tag
	// DescTag says whether the description is documented.
	DescTag Tag
	// Interfaces lists the interface IDs the code applies to ("all" for every interface,
	// "provisioning" for every interface a mode's apps call). A code only some interfaces
	// answer names none in the table below: the list is derived from the Codes of the rows
	// of Interfaces (withInterfaces), so that a new interface is one row there.
	Interfaces []string
	// EmulatorSends is false for documented codes the emulator never produces.
	EmulatorSends bool
}

var codeTable = withInterfaces([]CodeInfo{
	{CodeSuccess, http.StatusOK, "Success", Verified, Verified, []string{"all"}, true},
	{CodeAuthorizationMissing, 400, "Authorization not contained in the HTTP header.", Verified, Verified, []string{"all"}, true},
	{CodeRealmMissing, 400, "realm not contained in Authorization.", Verified, Verified, []string{"all"}, true},
	{CodeProfileMissing, 400, "profile not contained in Authorization.", Verified, Verified, []string{"all"}, true},
	{CodeRealmInvalid, 400, "The value of realm in Authorization must be SDP.", Verified, Verified, []string{"all"}, true},
	{CodeProfileInvalid, 400, "The value of profile in Authorization must be UsernameToken.", Verified, Verified, []string{"all"}, true},
	{CodeTypeInvalid, 400, "The value of type in Authorization must be app_key.", Verified, Verified, []string{"all"}, true},
	{CodeTypeMissing, 400, "type not contained in Authorization.", Verified, Verified, []string{"all"}, true},
	{CodeWSSEMissingInAuth, 400, "WSSE not contained in Authorization.", Inferred, Inferred, nil, false},
	{CodeXWSSEMissing, 400, "X-WSSE not contained in the HTTP header.", Inferred, Inferred, []string{"all"}, true},
	{CodeWSSEUsernameMissing, 400, "Username not contained in X-WSSE.", Inferred, Inferred, []string{"all"}, true},
	{CodeWSSENonceMissing, 400, "Nonce not contained in X-WSSE.", Inferred, Inferred, []string{"all"}, true},
	{CodeWSSECreatedMissing, 400, "Created not contained in X-WSSE.", Inferred, Inferred, []string{"all"}, true},
	{CodeWSSEDigestMissing, 400, "PasswordDigest not contained in X-WSSE.", Inferred, Inferred, []string{"all"}, true},
	{CodeWSSECreatedInvalid, 400, "The format of Created is invalid.", Inferred, Inferred, []string{"all"}, true},
	{CodeXAKSKMissing, 400, "HTTP header not found X-AKSK field.", Verified, Verified, []string{"all"}, true},
	{CodeUsernameMissing, 400, "UserName not contained in X-AKSK.", Verified, Verified, []string{"all"}, true},
	{CodeNonceMissing, 400, "Nonce not contained in X-AKSK.", Verified, Verified, []string{"all"}, true},
	{CodeCreatedMissing, 400, "Created not contained in X-AKSK.", Verified, Verified, []string{"all"}, true},
	{CodeDigestMissing, 400, "PasswordDigest not contained in X-AKSK.", Verified, Verified, []string{"all"}, true},
	{CodeUsernameTokenMissing, 400, "UsernameToken not contained in X-AKSK.", Verified, Verified, []string{"all"}, true},
	{CodeInvalidDigest, 401, "Invalid digest.", Verified, Verified, []string{"all"}, true},
	{CodeTimeOutLimit, 401, "Time out limit.", Verified, Verified, []string{"all"}, true},
	{CodeInvalidRequest, 403, "Invalid request.", Verified, Verified, []string{"all"}, true},
	{CodeInvalidAppKey, 403, "Invalid app_key.", Verified, Verified, []string{"all"}, true},
	{CodeAppUnavailable, 403, "Application unavailable.", Inferred, Verified, nil, false},
	{CodeFrozen, 403, "The subscriber status is frozen", Inferred, Verified, []string{"provisioning"}, true},
	{CodeAPINotAllowed, 403, "The app_key is not allowed to invoke the API.", Inferred, Verified, []string{"provisioning"}, true},
	{CodeAccountNotExist, 403, "Account does not exist.", Inferred, Verified, nil, false},
	{CodeAXNoResource, 403, "Insufficient number of resources", Inferred, Inferred, nil, true},
	{CodeAXLimitReached, 403, "The number of resources that can be applied for has reached the upper limit.", Inferred, Inferred, nil, true},
	{CodeAXNumberNotApplied, 403, "Resource of number is not to be applied.", Inferred, Inferred, nil, true},
	{CodeAXAllocated, 403, "Resources have been allocated.", Inferred, Verified, nil, true},
	{CodeNumberNotApplied, 403, "Resource of number is not to be applied.", Verified, Verified, nil, true},
	{CodeRecordNotExist, 403, "The record does not exist.", Inferred, Verified, nil, true},
	{CodeNoResource, 403, "Insufficient number of resources", Inferred, Verified, nil, true},
	{CodeRelationBound, 403, "The relation number has been bound.", Inferred, Verified, nil, true},
	{CodeRecordingNotOpen, 403, "Application does not open recording function", Inferred, Verified, nil, true},
	{CodeBlacklisted, 403, "The number is contained in the blacklist.", Inferred, Verified, nil, false},
	{CodeAXRecordNotExist, 403, "The record does not exist", Inferred, Verified, nil, true},
	{CodeAXRecordExists, 403, "The record already exists.", Inferred, Inferred, nil, true},
	{CodeIPNotWhitelisted, 403, "The app client ip is not in ip white list.", Inferred, Verified, []string{"all"}, true},
	{CodeNoIdleExtension, 403, "No idle extend Number.", Inferred, Verified, nil, true},
	{CodeLockedOut, 403, "Authentication failed, try again later", Inferred, Verified, []string{"all"}, true},
	{CodeInternalSystemError, 500, "Internal system error.", Verified, Verified, []string{"all"}, true},
	{CodeInternalError, 500, "Internal error.", Verified, Verified, []string{"all"}, false},
	{CodeResponseTimeout, 500, "Response timeout.", Verified, Verified, []string{"all"}, false},
})

// withInterfaces fills the Interfaces of the codes that only some interfaces answer from the
// Codes of Interfaces' rows. The first scope's interfaces come first, in table order, then the
// second scope's: the order the table had when it was written by hand, which the certification
// bundle's contract hash and docs/contract.md keep.
func withInterfaces(table []CodeInfo) []CodeInfo {
	at := make(map[Code]int, len(table))
	for k, c := range table {
		at[c.Code] = k
	}
	for _, second := range []bool{false, true} {
		for _, i := range Interfaces {
			if i.Mode.SecondScope() != second {
				continue
			}
			for _, c := range i.Codes {
				if k, ok := at[c]; ok {
					table[k].Interfaces = append(table[k].Interfaces, i.ID)
				}
			}
		}
	}
	return table
}

var codeIndex = func() map[Code]CodeInfo {
	m := make(map[Code]CodeInfo, len(codeTable))
	for _, c := range codeTable {
		m[c.Code] = c
	}
	return m
}()

// Lookup returns the table row of a result code.
func Lookup(c Code) (CodeInfo, bool) {
	ci, ok := codeIndex[c]
	return ci, ok
}

// Codes returns every row of the result-code table, sorted by code (success first).
func Codes() []CodeInfo {
	out := append([]CodeInfo(nil), codeTable...)
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].Code) != len(out[j].Code) {
			return len(out[i].Code) < len(out[j].Code)
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// HTTPStatus returns the HTTP status the emulator sends with a code, 500 for unknown codes.
func (c Code) HTTPStatus() int {
	if ci, ok := codeIndex[c]; ok {
		return ci.HTTP
	}
	return http.StatusInternalServerError
}

// Desc returns the exact resultdesc of a code ("Invalid request." for 1010002 without a field).
func (c Code) Desc() string {
	if ci, ok := codeIndex[c]; ok {
		return ci.Desc
	}
	return "Internal system error."
}

// Error is a PNS failure: a result code with its description. It is what the emulator answers
// and what the client reports when the platform answers with a non-zero resultcode.
type Error struct {
	Code Code
	Desc string
	// Status is the HTTP status; zero means the table's status for Code.
	Status int
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("pns %s: %s", e.Code, e.Desc) }

// HTTPStatus returns the HTTP status to answer with.
func (e *Error) HTTPStatus() int {
	if e.Status != 0 {
		return e.Status
	}
	return e.Code.HTTPStatus()
}

// NewError returns the error for a code with its table description.
func NewError(c Code) *Error { return &Error{Code: c, Desc: c.Desc()} }

// InvalidRequest returns 1010002 naming the offending field, with the emulator's exact
// description format "Invalid request. <field>" (reference D15).
func InvalidRequest(field string) *Error {
	return &Error{Code: CodeInvalidRequest, Desc: "Invalid request. " + field}
}

// FlowControl returns 1010010 with its flow-control description (reference D11).
func FlowControl() *Error {
	return &Error{Code: CodeInvalidDigest, Desc: DescFlowControl}
}

// IsAuthFailure reports whether an error counts toward the client-IP lockout (reference D8:
// answers from steps 1-9 and 11-15 of §2.5, but not flow control).
func IsAuthFailure(e *Error) bool {
	if e == nil {
		return false
	}
	switch {
	case e.Code == CodeInvalidDigest:
		return e.Desc != DescFlowControl
	case e.Code == CodeTimeOutLimit, e.Code == CodeInvalidAppKey:
		return true
	case len(e.Code) == 7 && e.Code[:4] == "1023":
		return true
	}
	return false
}
