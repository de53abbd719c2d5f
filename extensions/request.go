package extensions

import (
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/internal/jsonenc"
)

// appendRequest appends req as JSON, byte for byte what json.Marshal writes,
// without its reflection and allocations: encoding a request is on the path
// of every call. FuzzAppendRequest holds it to json.Marshal.
//
// Requests with settings or a root (initialize, once per instance) or params (the
// methods asked for once per user action) and any request once abi.Request
// has fields this encoder does not know go through json.Marshal;
// TestAppendRequestKnowsEveryField says when that happens.
func appendRequest(b []byte, req *abi.Request) ([]byte, error) {
	if !requestFieldsKnown || len(req.Settings) > 0 || len(req.Params) > 0 || req.Root != "" {
		// A copy, so that req does not escape: the caller's request stays
		// on its stack.
		r := *req
		body, err := json.Marshal(&r) // fails only on invalid settings
		return append(b, body...), err
	}
	b = append(b, `{"method":`...)
	b = jsonenc.AppendString(b, req.Method)
	if req.ABIVersion != 0 {
		b = append(b, `,"abiVersion":`...)
		b = strconv.AppendInt(b, int64(req.ABIVersion), 10)
	}
	if d := req.Document; d != nil {
		b = append(b, `,"document":{"uri":`...)
		b = jsonenc.AppendString(b, d.URI)
		b = append(b, `,"languageId":`...)
		b = jsonenc.AppendString(b, d.LanguageID)
		b = append(b, `,"version":`...)
		b = strconv.AppendInt(b, int64(d.Version), 10)
		if d.SameText {
			b = append(b, `,"sameText":true`...)
		}
		b = append(b, '}')
	}
	if req.Offset != 0 {
		b = append(b, `,"offset":`...)
		b = strconv.AppendInt(b, int64(req.Offset), 10)
	}
	if req.TriggerCharacter != "" {
		b = append(b, `,"triggerCharacter":`...)
		b = jsonenc.AppendString(b, req.TriggerCharacter)
	}
	return append(b, '}'), nil
}

// requestFieldsKnown reports whether abi.Request and abi.Document have
// exactly the fields appendRequest writes.
var requestFieldsKnown = fieldNames(reflect.TypeFor[abi.Request]()) == "Method ABIVersion Settings Root Document Offset TriggerCharacter Params" &&
	fieldNames(reflect.TypeFor[abi.Document]()) == "URI LanguageID Version SameText"

func fieldNames(t reflect.Type) string {
	s := ""
	for i := range t.NumField() {
		if i > 0 {
			s += " "
		}
		s += t.Field(i).Name
	}
	return s
}
