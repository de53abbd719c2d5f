package sdk

import (
	"errors"
	"maps"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"

	"github.com/lsphost/lsphost/abi"
)

// maxResponse is the largest response the host accepts (ABI.md, "Errors,
// traps, limits"). A larger one is replaced by an error response here, which
// says why, rather than being refused by the host.
const maxResponse = 16 << 20

// maxErrorMessage caps the message of an error response.
const maxErrorMessage = 64 << 10

var errNotRegistered = errors.New("no extension registered: call sdk.Register from an init function of the main package")

// handle answers one request for e: request is the request JSON, text the
// document text that followed it. It never panics: a panic in a handler, or
// anywhere else on the way, becomes an error response, so that the instance
// stays usable (a Go guest that panics out of an export is dead for good).
func handle(e *Extension, request []byte, text string) []byte {
	return handleInto(nil, e, request, text)
}

// handleInto is handle appending a result response to dst, whose bytes it
// may overwrite: the guest reuses the previous response's buffer, which the
// host has read by then.
func handleInto(dst []byte, e *Extension, request []byte, text string) (response []byte) {
	method := "request"
	defer func() {
		if v := recover(); v != nil {
			msg := method + ": panic: " + panicText(v)
			writeLog(LogError, msg+"\n"+string(debug.Stack()))
			response = errorResponse(errors.New(msg))
		}
	}()
	if e == nil {
		return errorResponse(errNotRegistered)
	}
	var req abi.Request
	err := decodeRequest(request, &req)
	if err != nil {
		return errorResponse(errors.New("decode request: " + err.Error()))
	}
	if req.Method != "" {
		method = req.Method
	}
	if req.Document != nil {
		if text, err = keptText(req.Document, text); err != nil {
			return errorResponse(err)
		}
	}
	result, err := e.dispatch(&req, text)
	if err != nil {
		return errorResponse(err)
	}
	response, err = resultResponse(dst[:0], result)
	if err != nil {
		return errorResponse(errors.New(method + ": encode result: " + err.Error()))
	}
	if len(response) > maxResponse {
		return errorResponse(errors.New(method + ": response of " + strconv.Itoa(len(response)) +
			" bytes exceeds the host's limit of " + strconv.Itoa(maxResponse)))
	}
	return response
}

// lastText is the text of the last request that had a document: the host
// sends abi.Document.SameText instead of sending it again (the SDK declares
// abi.InitializeResult.KeepsText). Handlers may keep Document.Text anyway,
// so keeping it here costs nothing more than keeping it one request longer.
// A guest runs one request at a time; the lock is for native tests.
var lastText struct {
	sync.Mutex
	text string
	set  bool
}

// keptText returns the text of a request on doc: text itself, which it
// keeps, or the kept one if the host sent SameText.
func keptText(doc *abi.Document, text string) (string, error) {
	lastText.Lock()
	defer lastText.Unlock()
	if !doc.SameText {
		lastText.text, lastText.set = text, true
		return text, nil
	}
	if !lastText.set || text != "" {
		return "", errors.New("document " + doc.URI + ": sameText without a text received before, or with text")
	}
	return lastText.text, nil
}

// dispatch calls the handler for req.Method and returns its result value.
func (e *Extension) dispatch(req *abi.Request, text string) (any, error) {
	switch req.Method {
	case abi.MethodInitialize:
		return e.initialize(req)

	case abi.MethodDiagnostics:
		if e.Diagnostics == nil {
			return nil, notImplemented(req.Method)
		}
		doc, err := document(req, text)
		if err != nil {
			return nil, err
		}
		diags, err := e.Diagnostics(doc)
		if err != nil {
			return nil, err
		}
		if diags == nil {
			diags = []Diagnostic{} // the wire form is an array, never null
		}
		return abi.DiagnosticsResult{Diagnostics: diags}, nil

	case abi.MethodCompletion:
		if e.Completion == nil {
			return nil, notImplemented(req.Method)
		}
		doc, err := document(req, text)
		if err != nil {
			return nil, err
		}
		list, err := e.Completion(&CompletionRequest{
			Document:         doc,
			Offset:           max(0, min(req.Offset, len(text))),
			TriggerCharacter: req.TriggerCharacter,
		})
		if err != nil {
			return nil, err
		}
		if list.Items == nil {
			list.Items = []CompletionItem{}
		}
		return list, nil
	}
	return e.dispatchMore(req, text)
}

// initialize checks the host's ABI version, runs Init with the settings and
// returns the extension's declaration.
func (e *Extension) initialize(req *abi.Request) (any, error) {
	if req.ABIVersion != 0 && req.ABIVersion != abi.Version {
		return nil, errors.New("host speaks ABI version " + strconv.Itoa(req.ABIVersion) + ", extension " + strconv.Itoa(abi.Version))
	}
	root = req.Root
	if e.Init != nil {
		if err := e.Init(Settings(req.Settings)); err != nil {
			return nil, err
		}
	}
	features := []string{}
	for _, f := range []struct {
		set     bool
		feature string
	}{
		{e.Diagnostics != nil, abi.FeatureDiagnostics},
		{e.Completion != nil, abi.FeatureCompletion},
		{e.ResolveCompletion != nil, abi.FeatureCompletionResolve},
		{e.Hover != nil, abi.FeatureHover},
		{e.CodeActions != nil, abi.FeatureCodeAction},
		{e.ResolveCodeAction != nil, abi.FeatureCodeActionResolve},
		{e.Format != nil, abi.FeatureFormatting},
		{e.Format != nil, abi.FeatureRangeFormatting},
		{e.Symbols != nil, abi.FeatureDocumentSymbol},
		{len(e.Commands) > 0, abi.FeatureExecuteCommand},
		{e.Prepare != nil, abi.FeaturePrepare},
	} {
		if f.set {
			features = append(features, f.feature)
		}
	}
	commands := slices.Sorted(maps.Keys(e.Commands))
	return abi.InitializeResult{
		Name:              e.Name,
		Version:           e.Version,
		Features:          features,
		TriggerCharacters: e.TriggerCharacters,
		Languages:         e.Languages,
		Commands:          commands,
		CodeActionKinds:   e.CodeActionKinds,
		KeepsText:         true,
		PrepareMin:        prepareMin(e),
	}, nil
}

// prepareMin is e.PrepareMin if e prepares.
func prepareMin(e *Extension) int {
	if e.Prepare == nil {
		return 0
	}
	return max(e.PrepareMin, 0)
}

func notImplemented(method string) error {
	return errors.New("method " + strconv.Quote(method) + " not implemented by this extension")
}

func document(req *abi.Request, text string) (*Document, error) {
	if req.Document == nil {
		return nil, errors.New(req.Method + ": request has no document")
	}
	return &Document{
		URI:        req.Document.URI,
		LanguageID: req.Document.LanguageID,
		Version:    req.Document.Version,
		Text:       text,
	}, nil
}

// resultResponse encodes {"result": v} (encode.go).
func resultResponse(b []byte, v any) ([]byte, error) {
	if b == nil {
		b = make([]byte, 0, 512)
	}
	b, err := appendResult(append(b, `{"result":`...), v)
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// panicText is what fmt's %v shows of a panic's value, for the values
// panics carry; fmt itself would add its weight to every guest.
func panicText(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case interface{ String() string }:
		return v.String()
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return "a value of a type other than error, string, number or boolean"
}

// errorResponse encodes {"error": {"message": err}}.
func errorResponse(err error) []byte {
	msg := err.Error()
	if len(msg) > maxErrorMessage {
		msg = msg[:maxErrorMessage] + "…" // may split a character: it becomes U+FFFD
	}
	b := make([]byte, 0, len(msg)+32)
	b = append(b, `{"error":{"message":`...)
	b = appendString(b, msg)
	return append(b, "}}"...)
}
