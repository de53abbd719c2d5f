package extensions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/abi/schema"
)

// VerifyOptions configure Host.Verify. The zero value verifies with the
// defaults a configuration gets.
type VerifyOptions struct {
	// Timeout per call and Memory ceiling, as in a configuration; zero
	// means DefaultTimeout and DefaultMemory.
	Timeout time.Duration
	Memory  uint64
	// Settings are sent with initialize; nil sends {}.
	Settings json.RawMessage
	// Samples are documents to try besides the built-in ones: the author's
	// own test files.
	Samples []Sample
	// Calls and CallSize shape the memory check: Calls calls with a text of
	// CallSize bytes. Zero means 200 calls of 100 KiB.
	Calls, CallSize int
}

// Sample is a document verify sends to each declared feature.
type Sample struct {
	Name       string // shown in the report
	LanguageID string
	Text       string
}

// Check statuses. Only CheckFail makes a report fail.
const (
	CheckPass = "PASS"
	CheckFail = "FAIL"
	CheckWarn = "WARN"
	CheckSkip = "SKIP"
)

// Check is one obligation of the ABI that verify checked.
type Check struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	// Detail says what was found (for a pass, what was measured).
	Detail string `json:"detail,omitempty"`
	// Fix says how to correct a failure or warning, naming the section of
	// ABI.md that states the rule.
	Fix string `json:"fix,omitempty"`
}

// VerifyReport is the outcome of Host.Verify.
type VerifyReport struct {
	Wasm        string                `json:"wasm"`
	Passed      bool                  `json:"passed"`
	Declaration *abi.InitializeResult `json:"declaration,omitempty"`
	Checks      []Check               `json:"checks"`
}

// Verify loads the extension in the .wasm file at path the way the server
// does and checks every obligation of the ABI (abi/ABI.md): its exports and
// imports, its version, its declaration, its answers to sample requests for
// each declared feature, its behaviour on unknown methods and requests, and
// its memory over repeated calls. It calls the extension through the same
// code as the server, but checks each answer strictly, before the host
// would clamp or repair it.
func (h *Host) Verify(ctx context.Context, path string, opts VerifyOptions) VerifyReport {
	spec := Spec{Name: "verify", Wasm: path, Enabled: true, Timeout: opts.Timeout, Memory: opts.Memory, Settings: opts.Settings}
	if spec.Timeout <= 0 {
		spec.Timeout = DefaultTimeout
	}
	if spec.Memory == 0 {
		spec.Memory = DefaultMemory
	}
	if opts.Calls <= 0 {
		opts.Calls = 200
	}
	if opts.CallSize <= 0 {
		opts.CallSize = 100 << 10
	}
	v := &verifier{host: h, spec: spec, opts: opts, report: VerifyReport{Wasm: path}}
	v.run(ctx)
	v.report.Passed = !slices.ContainsFunc(v.report.Checks, func(c Check) bool { return c.Status == CheckFail })
	return v.report
}

type verifier struct {
	host   *Host
	spec   Spec
	opts   VerifyOptions
	report VerifyReport

	ext    *Extension
	inst   *instance // verify's own instance; nil after a trap
	broken int       // calls that trapped or timed out
}

// maxBroken is how many calls may trap or time out before verify stops
// calling: like the host, which switches an extension off after as many.
const maxBroken = maxFailures

func (v *verifier) add(name, status, detail, fix string) {
	v.report.Checks = append(v.report.Checks, Check{Name: name, Status: status, Detail: detail, Fix: fix})
}

func (v *verifier) pass(name, detail string)      { v.add(name, CheckPass, detail, "") }
func (v *verifier) fail(name, detail, fix string) { v.add(name, CheckFail, detail, fix) }

func (v *verifier) run(ctx context.Context) {
	if !v.checkModule(ctx) {
		return
	}
	ext, err := v.host.Load(ctx, v.spec)
	var verr *VersionError
	switch {
	case errors.As(err, &verr):
		v.fail("ABI version", fmt.Sprintf("%s returns %d; this host speaks %d", abi.ExportVersion, verr.Found, abi.Version),
			fmt.Sprintf("return %d from %s (ABI.md \"Versioning\")", abi.Version, abi.ExportVersion))
		return
	case err != nil:
		v.fail("starts and answers initialize", err.Error(),
			"_initialize, lsphost_abi_version and the initialize request must succeed, and initialize must answer a result (ABI.md \"Module\", \"initialize\")")
		return
	}
	defer ext.Close(ctx)
	v.ext = ext
	v.pass("ABI version", fmt.Sprintf("%s returns %d", abi.ExportVersion, abi.Version))
	v.pass("loads in the host", "_initialize (if any), version and initialize succeed as the server runs them")
	decl, ok := v.checkInitialize(ctx)
	if !ok {
		return
	}
	v.report.Declaration = &decl
	for _, f := range decl.Features {
		switch f {
		case abi.FeatureDiagnostics:
			v.checkDiagnostics(ctx)
		case abi.FeatureCompletion:
			v.checkCompletion(ctx, decl)
		}
	}
	v.checkMoreFeatures(ctx, decl)
	v.checkUnknownMethod(ctx)
	v.checkRequestKeys(ctx, decl)
	v.checkSameText(ctx, decl)
	v.checkMemory(ctx, decl)
	if v.inst != nil {
		v.inst.close()
	}
}

// checkModule compiles the module and checks its exports and imports.
func (v *verifier) checkModule(ctx context.Context) bool {
	code, err := os.ReadFile(v.spec.Wasm)
	if err != nil {
		v.fail("read the module", err.Error(), `give the path of a .wasm file built for wasm32-wasi or wasip1 (ABI.md "Module")`)
		return false
	}
	rt := v.host.runtime(ctx, memoryPages(v.spec))
	defer rt.Close(ctx)
	if err := linkImports(ctx, rt); err != nil {
		v.fail("compile", err.Error(), "")
		return false
	}
	wasm, _ := prepareModule(code) // as the host runs it, and cached for the load below
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		v.fail("compile", err.Error(),
			"the file must be a binary WebAssembly module (wat2wasm turns text format into one); wasm features beyond 2.0 are not supported")
		return false
	}
	v.pass("compile", fmt.Sprintf("%d bytes", len(code)))
	ok := true
	fns := compiled.ExportedFunctions()
	// The version, and lsphost_handle or lsphost_alloc and lsphost_call:
	// those that are there are checked, and those missing are named.
	names := []string{abi.ExportVersion, abi.ExportHandle, abi.ExportAlloc, abi.ExportCall}
	missing := missingExports(fns)
	for _, name := range names {
		want := exportSignatures[name]
		sig := signature(want.params, want.results)
		check := "export " + name + " " + sig
		fn, found := fns[name]
		switch {
		case !found && !slices.Contains(missing, name):
			// the other form's export: not needed
		case !found && name == abi.ExportVersion:
			ok = false
			v.fail(check, "missing", fmt.Sprintf("export a function named %q with signature %s (ABI.md \"Module\")", name, sig))
		case !found:
			ok = false
			v.fail(check, "missing", fmt.Sprintf("export %q %s, or instead of %q and %q, %q %s (ABI.md \"Module\")",
				name, sig, abi.ExportAlloc, abi.ExportCall, abi.ExportHandle, signature(exportSignatures[abi.ExportHandle].params, exportSignatures[abi.ExportHandle].results)))
		case !sameTypes(fn.ParamTypes(), want.params) || !sameTypes(fn.ResultTypes(), want.results):
			ok = false
			v.fail(check, "has signature "+signature(fn.ParamTypes(), fn.ResultTypes()),
				fmt.Sprintf("pointers and lengths are i32, the packed response is i64: declare %s %s (ABI.md \"Module\")", name, sig))
		default:
			v.pass(check, "")
		}
	}
	if fn, found := fns[abi.ExportInitialize]; found {
		if len(fn.ParamTypes()) > 0 || len(fn.ResultTypes()) > 0 {
			ok = false
			v.fail("export _initialize () -> ()", "has signature "+signature(fn.ParamTypes(), fn.ResultTypes()),
				"_initialize takes and returns nothing (ABI.md \"Module\")")
		} else {
			v.pass("export _initialize () -> ()", "")
		}
	}
	if _, found := compiled.ExportedMemories()["memory"]; found {
		v.pass("export memory", "")
	} else {
		ok = false
		v.fail("export memory", "the module exports no memory named \"memory\"",
			"export the linear memory as \"memory\" (wat: (memory (export \"memory\") 1); ABI.md \"Module\")")
	}
	if ms := compiled.ImportedMemories(); len(ms) > 0 {
		ok = false
		v.fail("imports", "the module imports a memory", "define the memory in the module and export it (ABI.md \"Module\")")
	}
	if bad := unprovidedImports(rt, compiled); len(bad) > 0 {
		ok = false
		v.fail("imports", strings.Join(bad, "; "),
			"import only wasi_snapshot_preview1 and "+hostFunctions(rt)+" with the documented signatures (ABI.md \"Module\")")
	} else {
		v.pass("imports", fmt.Sprintf("%d functions, all provided by the host", len(compiled.ImportedFunctions())))
	}
	if !ok {
		v.add("calls", CheckSkip, "not run: the host cannot load this module", "")
	}
	return ok
}

// instance returns verify's own instance, starting one (without its
// initialize request) if needed. Each call gets its own deadline.
func (v *verifier) instance(ctx context.Context) (*instance, error) {
	if v.inst != nil {
		return v.inst, nil
	}
	ctx, cancel := context.WithTimeout(ctx, max(v.spec.Timeout, minSetupDeadline))
	defer cancel()
	inst, err := v.ext.start(ctx, max(v.spec.Timeout, minSetupDeadline))
	if err != nil {
		return nil, err
	}
	v.inst = inst
	body, _ := json.Marshal(v.ext.initializeRequest())
	if _, err := v.callBody(ctx, body, nil); err != nil {
		return nil, err
	}
	return v.inst, nil
}

// call sends one request on verify's instance and returns a copy of the
// raw response. A call that traps or times out kills the instance, as in
// the server; the error then says why.
func (v *verifier) call(ctx context.Context, req any, text string) ([]byte, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	return v.callBody(ctx, body, text)
}

func (v *verifier) callBody(ctx context.Context, body []byte, text any) ([]byte, error) {
	if v.broken >= maxBroken {
		return nil, errSkipped
	}
	if v.inst == nil {
		if _, err := v.instance(ctx); err != nil {
			v.broken++
			return nil, fmt.Errorf("starting a fresh instance: %w", err)
		}
	}
	var t Text
	if s, ok := text.(string); ok {
		t = StringText(s)
	}
	callCtx, cancel := context.WithTimeout(ctx, v.spec.Timeout)
	defer cancel()
	view, err := v.inst.callRaw(v.ext.callerContext(callCtx), body, t)
	if err != nil {
		err = v.ext.explainTrap(callCtx, err, v.spec.Timeout, v.inst)
		v.inst.close()
		v.inst = nil
		v.broken++
		return nil, err
	}
	return bytes.Clone(view), nil
}

var errSkipped = errors.New("not run: earlier calls trapped or timed out")

// callFailed reports a call that did not answer.
func (v *verifier) callFailed(name string, err error) {
	switch {
	case errors.Is(err, errSkipped):
		v.add(name, CheckSkip, err.Error(), "")
	case errors.Is(err, ErrTimeout):
		v.fail(name, fmt.Sprintf("no answer: %v", err),
			fmt.Sprintf("answer within the extension's timeout (%s here; a looping call is abandoned as a trap) (ABI.md \"Errors, traps, limits\")", v.spec.Timeout))
	default:
		v.fail(name, fmt.Sprintf("the call failed: %v", err),
			"a trap kills the instance: report problems as {\"error\":{\"message\":...}} and keep traps for the unrecoverable; the response pointer and length must lie in memory (ABI.md \"One call\", \"Errors, traps, limits\")")
	}
}

// checkInitialize sends initialize to a fresh instance and checks the raw
// answer, then checks a second instance declares the same.
func (v *verifier) checkInitialize(ctx context.Context) (abi.InitializeResult, bool) {
	const name = "initialize answer"
	var decl abi.InitializeResult
	inst, err := v.ext.start(ctx, minSetupDeadline)
	if err != nil {
		v.fail(name, err.Error(), "")
		return decl, false
	}
	body, _ := json.Marshal(v.ext.initializeRequest())
	v.inst = inst
	raw, err := v.callBody(ctx, body, nil)
	if err != nil {
		v.callFailed(name, err)
		return decl, false
	}
	if problems := responseProblems("initialize.response.json", raw, ""); len(problems) > 0 {
		v.fail(name, strings.Join(problems, "; "),
			`answer {"result":{"features":[...], ...}}: see ABI.md "initialize" and abi/schema/initialize.response.json`)
		return decl, false
	}
	if err := decodeResponse(raw, abi.MethodInitialize, &decl); err != nil {
		v.fail(name, err.Error(), `an initialize error refuses the configuration: answer a result for the default settings {} (ABI.md "initialize")`)
		return decl, false
	}
	v.pass(name, fmt.Sprintf("features %v", decl.Features))
	var unknown []string
	for _, f := range decl.Features {
		if !slices.Contains(knownFeatures, f) {
			unknown = append(unknown, f)
		}
	}
	switch {
	case len(unknown) > 0:
		v.add("declared features", CheckWarn, fmt.Sprintf("unknown to this host, ignored: %s", strings.Join(unknown, ", ")),
			fmt.Sprintf("this host knows only %s (ABI.md \"initialize\")", strings.Join(knownFeatures, ", ")))
	case len(decl.Features) == 0:
		v.add("declared features", CheckWarn, "none: the host will never call this extension", `list the methods you implement in "features" (ABI.md "initialize")`)
	default:
		v.pass("declared features", strings.Join(decl.Features, ", "))
	}
	if !slices.Contains(decl.Features, abi.FeatureCompletion) && len(decl.TriggerCharacters) > 0 {
		v.add("trigger characters", CheckWarn, "declared without the completion feature: never used", `declare "completion" too (ABI.md "initialize")`)
	}
	// Every instance must declare the same (ABI.md "Module").
	other, err := v.ext.start(ctx, minSetupDeadline)
	if err == nil {
		defer other.close()
		var again abi.InitializeResult
		err = other.call(v.ext.callerContext(ctx), v.ext.initializeRequest(), nil, &again)
		if err == nil && !equalJSON(decl, again) {
			err = fmt.Errorf("a second instance declared %s, the first %s", mustJSON(again), mustJSON(decl))
		}
	}
	if err != nil {
		v.fail("every instance declares the same", err.Error(), `the host runs several instances; initialize must not depend on state outside the instance (ABI.md "Module")`)
	} else {
		v.pass("every instance declares the same", "")
	}
	return decl, true
}

// samples are the built-in documents: plain, empty, non-ASCII, CRLF.
func (v *verifier) samples() []Sample {
	s := []Sample{
		{"ASCII text", "plaintext", "// TODO: write the tests\nfunc main() {}\n# FIXME later\nXXX\nplain words, words and more words\n"},
		{"empty document", "plaintext", ""},
		{"non-ASCII text", "markdown", "héllo wörld 😀 TODO ünïcode\n日本語のテキスト FIXME\nçà et là, naïve café\n"},
		{"CRLF line ends, no final newline", "plaintext", "first line\r\nTODO second\r\n\r\nthird word"},
		{"Latin-1 bytes, invalid UTF-8 as lsphost check may send", "plaintext", "caf\xe9 TODO na\xefve\n\xff\xfe FIXME \xe9t\xe9\n"},
		{"long non-ASCII lines", "markdown", "TODO " + strings.Repeat("é", 150) + "\nFIXME  " + strings.Repeat("日本", 60) + "\t\"quoted\" \\ \n" + strings.Repeat("x", 300) + " XXX"},
	}
	return append(s, v.opts.Samples...)
}

func (v *verifier) docRequest(method string, s Sample) abi.Request {
	return abi.Request{Method: method, Document: &abi.Document{URI: "file:///verify/" + strings.ReplaceAll(s.Name, " ", "-"), LanguageID: s.LanguageID, Version: 1}}
}

func (v *verifier) checkDiagnostics(ctx context.Context) {
	for _, s := range v.samples() {
		name := fmt.Sprintf("diagnostics: %s", s.Name)
		req := v.docRequest(abi.MethodDiagnostics, s)
		raw, err := v.call(ctx, &req, s.Text)
		if err != nil {
			v.callFailed(name, err)
			continue
		}
		problems := responseProblems("diagnostics.response.json", raw, s.Text)
		var res abi.DiagnosticsResult
		if len(problems) == 0 {
			problems = append(problems, resultProblems(raw, abi.MethodDiagnostics, &res)...)
		}
		for i, d := range res.Diagnostics {
			problems = append(problems, rangeProblems(fmt.Sprintf("diagnostic %d", i), d.Start, d.End, s.Text)...)
			problems = append(problems, stringProblems(fmt.Sprintf("diagnostic %d", i), d.Message, d.Code)...)
		}
		if len(problems) > 0 {
			v.fail(name, strings.Join(problems, "; "), fixFor(abi.MethodDiagnostics, problems))
			continue
		}
		v.pass(name, fmt.Sprintf("%d diagnostics", len(res.Diagnostics)))
	}
	v.checkByteOffsets(ctx)
}

// checkByteOffsets sends the ASCII sample, then the same text after a line
// of non-ASCII characters. A guest that counts bytes moves its diagnostics
// by the line's length in bytes; one that counts characters or UTF-16 units
// moves them by less. A guest whose diagnostics change in other ways (they
// may depend on the whole text) proves nothing either way and passes.
func (v *verifier) checkByteOffsets(ctx context.Context) {
	const name = "diagnostics: offsets count bytes, not characters"
	const prefix = "ééé 😀 ünï\n" // 18 bytes, 10 characters, 11 UTF-16 units
	base := v.samples()[0]
	ranges := func(text string) ([][2]int, error) {
		req := v.docRequest(abi.MethodDiagnostics, Sample{Name: "shift", LanguageID: base.LanguageID})
		raw, err := v.call(ctx, &req, text)
		if err != nil {
			return nil, err
		}
		var res abi.DiagnosticsResult
		if p := resultProblems(raw, abi.MethodDiagnostics, &res); len(p) > 0 {
			return nil, errors.New(strings.Join(p, "; "))
		}
		var out [][2]int
		for _, d := range res.Diagnostics {
			out = append(out, [2]int{d.Start, d.End})
		}
		slices.SortFunc(out, func(a, b [2]int) int { return a[0]*1e6 + a[1] - b[0]*1e6 - b[1] })
		return out, nil
	}
	before, err := ranges(base.Text)
	if err != nil {
		v.add(name, CheckSkip, err.Error(), "")
		return
	}
	after, err := ranges(prefix + base.Text)
	if err != nil {
		v.add(name, CheckSkip, err.Error(), "")
		return
	}
	shifted := func(by int) [][2]int {
		var out [][2]int
		for _, r := range before {
			out = append(out, [2]int{r[0] + by, r[1] + by})
		}
		return out
	}
	// Only what lies past the shortest shift can be compared.
	var tail [][2]int
	for _, r := range after {
		if r[0] >= utf8.RuneCountInString(prefix) {
			tail = append(tail, r)
		}
	}
	switch {
	case len(before) == 0:
		v.add(name, CheckSkip, "no diagnostics on the ASCII sample to compare", "")
	case slices.Equal(tail, shifted(len(prefix))):
		v.pass(name, fmt.Sprintf("diagnostics moved by %d bytes after a line of %d characters", len(prefix), utf8.RuneCountInString(prefix)))
	case slices.Equal(tail, shifted(utf8.RuneCountInString(prefix))), slices.Equal(tail, shifted(11)):
		v.fail(name, fmt.Sprintf("after a first line of %d bytes (%d characters, 11 UTF-16 units), the diagnostics moved by %d, not %d: offsets are counted in characters or UTF-16 units",
			len(prefix), utf8.RuneCountInString(prefix), tail[0][0]-before[0][0], len(prefix)),
			`offsets are byte offsets into the UTF-8 text as sent; the host converts them for the editor (ABI.md "Positions")`)
	default:
		v.pass(name, "the diagnostics depend on more than their line; nothing to compare")
	}
}

// fixFor says how to correct problems found in answers to method, one fix
// per kind of problem.
func fixFor(method string, problems []string) string {
	var fixes []string
	add := func(f string) {
		if !slices.Contains(fixes, f) {
			fixes = append(fixes, f)
		}
	}
	for _, p := range problems {
		switch {
		case strings.Contains(p, "answered an error"):
			add(fmt.Sprintf(`answer an ordinary document with a result, even an empty list (ABI.md "Errors, traps, limits")`))
		case strings.HasPrefix(p, "not JSON"), strings.Contains(p, "not JSON"):
			add(`the response must be exactly one JSON value, {"result":...} or {"error":{"message":...}}, with out_len its length in bytes (ABI.md "Messages", "One call")`)
		case strings.Contains(p, "not valid UTF-8"):
			add(`JSON is UTF-8: copy text without cutting a multi-byte character, and escape " \ and control characters (ABI.md "Messages")`)
		case strings.Contains(p, "past the end"), strings.Contains(p, "negative offset"), strings.Contains(p, "before its start"), strings.Contains(p, "multi-byte character"):
			add(`offsets are byte offsets into the UTF-8 text as sent, 0 <= start <= end <= text_len, on character boundaries (ABI.md "Positions")`)
		case strings.Contains(p, "does not contain the cursor"), strings.Contains(p, "spans lines"):
			add(`an edit replaces bytes on the cursor's line and its range contains the cursor offset (ABI.md "completion")`)
		case strings.Contains(p, "bytes >"):
			add(`keep each string under 16 KiB (ABI.md "Errors, traps, limits")`)
		case strings.HasPrefix(p, "response: "):
		default:
			add(fmt.Sprintf(`answer the shapes of ABI.md %q, as abi/schema/%s.response.json states them`, method, method))
		}
	}
	return strings.Join(fixes, "; ")
}

func (v *verifier) checkCompletion(ctx context.Context, decl abi.InitializeResult) {
	for _, s := range v.samples() {
		offsets := []int{0}
		// Right after the first ASCII word: where a prefix is typed.
		if i := strings.IndexFunc(s.Text, isASCIILetter); i >= 0 {
			j := i + strings.IndexFunc(s.Text[i:], func(r rune) bool { return !isASCIILetter(r) })
			if j < i {
				j = len(s.Text)
			}
			offsets = append(offsets, j)
		}
		if mid := len(s.Text) / 2; mid > 0 {
			for mid < len(s.Text) && !utf8.RuneStart(s.Text[mid]) {
				mid++
			}
			offsets = append(offsets, mid)
		}
		if len(s.Text) > 0 {
			offsets = append(offsets, len(s.Text))
		}
		v.completionSample(ctx, fmt.Sprintf("completion: %s", s.Name), s, offsets, "")
	}
	for _, t := range decl.TriggerCharacters {
		s := Sample{Name: "trigger " + t, LanguageID: "plaintext", Text: "some words\nword" + t}
		v.completionSample(ctx, fmt.Sprintf("completion: after trigger character %q", t), s, []int{len(s.Text)}, t)
	}
}

func (v *verifier) completionSample(ctx context.Context, name string, s Sample, offsets []int, trigger string) {
	var problems []string
	items := 0
	for _, off := range offsets {
		req := v.docRequest(abi.MethodCompletion, s)
		req.Offset, req.TriggerCharacter = off, trigger
		raw, err := v.call(ctx, &req, s.Text)
		if err != nil {
			v.callFailed(name, fmt.Errorf("at offset %d: %w", off, err))
			return
		}
		at := func(p []string) []string {
			for i := range p {
				p[i] = fmt.Sprintf("at offset %d: %s", off, p[i])
			}
			return p
		}
		p := responseProblems("completion.response.json", raw, s.Text)
		var res abi.CompletionResult
		if len(p) == 0 {
			p = resultProblems(raw, abi.MethodCompletion, &res)
		}
		for i, it := range res.Items {
			what := fmt.Sprintf("item %d (%q)", i, it.Label)
			p = append(p, stringProblems(what, it.Label, it.Detail, it.Documentation, it.InsertText, it.FilterText, it.SortText)...)
			if it.Edit == nil {
				continue
			}
			p = append(p, rangeProblems(what+" edit", it.Edit.Start, it.Edit.End, s.Text)...)
			if it.Edit.Start <= it.Edit.End && it.Edit.End <= len(s.Text) {
				if it.Edit.Start > off || it.Edit.End < off {
					p = append(p, fmt.Sprintf("%s edit [%d, %d) does not contain the cursor", what, it.Edit.Start, it.Edit.End))
				} else if strings.ContainsAny(s.Text[it.Edit.Start:it.Edit.End], "\r\n") {
					p = append(p, fmt.Sprintf("%s edit [%d, %d) spans lines", what, it.Edit.Start, it.Edit.End))
				}
			}
		}
		items += len(res.Items)
		problems = append(problems, at(p)...)
	}
	if len(problems) > 0 {
		v.fail(name, strings.Join(problems, "; "), fixFor(abi.MethodCompletion, problems))
		return
	}
	v.pass(name, fmt.Sprintf("%d items over offsets %v", items, offsets))
}

// checkUnknownMethod sends a method no host sends: the answer must be an
// error response, not a trap and not a result.
func (v *verifier) checkUnknownMethod(ctx context.Context) {
	const name = "unknown method answers an error"
	raw, err := v.call(ctx, map[string]any{"method": "lsphost.verify.unknown", "document": abi.Document{URI: "file:///verify/x", LanguageID: "plaintext", Version: 1}}, "TODO")
	if err != nil && !errors.Is(err, errSkipped) && !errors.Is(err, ErrTimeout) {
		v.fail(name, fmt.Sprintf("the call failed: %v", err),
			`answer {"error":{"message":"unknown method"}} for any method you do not implement, never trap: a trap kills the instance, and newer hosts may send new methods (ABI.md "Messages")`)
		return
	}
	if err != nil {
		v.callFailed(name, err)
		return
	}
	var resp struct {
		Error *abi.Error `json:"error"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil || resp.Error == nil {
		v.fail(name, fmt.Sprintf("answered %s", clip(raw)),
			`answer {"error":{"message":"unknown method"}} for any method you do not implement: newer hosts may send new ones (ABI.md "Messages")`)
		return
	}
	v.pass(name, fmt.Sprintf("%q", resp.Error.Message))
}

// checkRequestKeys sends a declared feature's request with its keys in
// another order and an unknown key: the answer must not change.
func (v *verifier) checkRequestKeys(ctx context.Context, decl abi.InitializeResult) {
	const name = "request keys in any order, unknown keys ignored"
	text := "x TODO y\nwords and words\n"
	var normal, shuffled []byte
	switch {
	case slices.Contains(decl.Features, abi.FeatureDiagnostics):
		normal = []byte(`{"method":"diagnostics","document":{"uri":"file:///verify/keys","languageId":"plaintext","version":3}}`)
		shuffled = []byte(`{"method":"diagnostics","futureKey":{"a":[1,"}"]},"document":{"version":3,"languageId":"plaintext","uri":"file:///verify/keys","extra":null}}`)
	case slices.Contains(decl.Features, abi.FeatureCompletion):
		normal = []byte(`{"method":"completion","document":{"uri":"file:///verify/keys","languageId":"plaintext","version":3},"offset":11}`)
		shuffled = []byte(`{"method":"completion","offset":11,"futureKey":"\"}","document":{"version":3,"uri":"file:///verify/keys","languageId":"plaintext"}}`)
	default:
		return
	}
	a, err := v.callBody(ctx, normal, text)
	if err != nil {
		v.callFailed(name, err)
		return
	}
	b, err := v.callBody(ctx, shuffled, text)
	if err != nil {
		v.callFailed(name, err)
		return
	}
	if !equalJSONBytes(a, b) {
		v.fail(name, fmt.Sprintf("answered %s, but %s with the keys in order", clip(b), clip(a)),
			`only "method" comes first; parse the other keys in any order and skip those you do not know (ABI.md "Messages")`)
		return
	}
	v.pass(name, "")
}

// checkSameText, for a guest that declares keepsText: a request with
// sameText and no text must be answered as the same request with the text
// it received last, also after a request without a document.
func (v *verifier) checkSameText(ctx context.Context, decl abi.InitializeResult) {
	const name = "keepsText: sameText answers as the text received last"
	if !decl.KeepsText {
		return
	}
	text := "x TODO y\nwords and words\n"
	method := probeMethod(decl)
	if method == "" {
		return
	}
	request := func(sameText bool) []byte {
		b, _ := json.Marshal(abi.Request{Method: method, Offset: 11,
			Document: &abi.Document{URI: "file:///verify/same", LanguageID: "plaintext", Version: 5, SameText: sameText}})
		return b
	}
	full, err := v.callBody(ctx, request(false), text)
	if err == nil {
		_, err = v.callBody(ctx, []byte(`{"method":"lsphost.verify.unknown"}`), nil)
	}
	var same []byte
	if err == nil {
		same, err = v.callBody(ctx, request(true), nil)
	}
	if err != nil {
		v.callFailed(name, err)
		return
	}
	if !equalJSONBytes(full, same) {
		v.fail(name, fmt.Sprintf("answered %s, but %s with the text", clip(same), clip(full)),
			`keep the text of the last request that had a document (not of requests without one) and use it when "sameText" is true; or do not declare keepsText (ABI.md "Unchanged text")`)
		return
	}
	v.pass(name, "")
}

// probeMethod is the method the checks that need one document request
// send: diagnostics, or completion; "" if the guest has neither.
func probeMethod(decl abi.InitializeResult) string {
	switch {
	case slices.Contains(decl.Features, abi.FeatureDiagnostics):
		return abi.MethodDiagnostics
	case slices.Contains(decl.Features, abi.FeatureCompletion):
		return abi.MethodCompletion
	}
	return ""
}

// checkMemory calls a declared feature Calls times with a text of CallSize
// bytes: linear memory must stop growing once the guest has warmed up.
func (v *verifier) checkMemory(ctx context.Context, decl abi.InitializeResult) {
	name := fmt.Sprintf("memory stays bounded over %d calls of %s", v.opts.Calls, FormatSize(uint64(v.opts.CallSize)))
	method := probeMethod(decl)
	if method == "" {
		return
	}
	var b strings.Builder
	for i := 0; b.Len() < v.opts.CallSize; i++ {
		fmt.Fprintf(&b, "line %d with some words, TODO: item %d and naïve café ✓\n", i, i)
	}
	text := b.String()[:v.opts.CallSize]
	for !utf8.ValidString(text) {
		text = text[:len(text)-1]
	}
	req := abi.Request{Method: method, Document: &abi.Document{URI: "file:///verify/big", LanguageID: "plaintext", Version: 1}, Offset: len(text)}
	// Sizes after a tenth of the calls (warmed up), half of them and all:
	// a heap with a garbage collector settles, a leak keeps growing.
	warm, mid := max(v.opts.Calls/10, 1), max(v.opts.Calls/2, 2)
	var warmSize, midSize uint32
	began := time.Now()
	for i := range v.opts.Calls {
		req.Document.Version = int32(i + 1)
		if _, err := v.call(ctx, &req, text); err != nil {
			v.callFailed(name, fmt.Errorf("call %d: %w", i+1, err))
			return
		}
		switch i + 1 {
		case warm:
			warmSize = v.inst.mem.Size()
		case mid:
			midSize = v.inst.mem.Size()
		}
	}
	perCall := time.Since(began) / time.Duration(v.opts.Calls)
	final := v.inst.mem.Size()
	// A guest that keeps each call's input grows by the text's size per
	// call; an allocator or a collector may still round up now and then.
	allowed := max(1<<20, (v.opts.Calls-mid)*len(text)/8)
	detail := fmt.Sprintf("%s after %d calls, %s after %d, %s after %d",
		FormatSize(uint64(warmSize)), warm, FormatSize(uint64(midSize)), mid, FormatSize(uint64(final)), v.opts.Calls)
	if v.opts.Calls >= 4 && int(final)-int(midSize) > allowed {
		v.fail(name, "linear memory grew to "+detail+": something is kept from every call",
			`free each call's input buffer once the call returns (or at the next lsphost_alloc) and the previous response at the next call (ABI.md "One call")`)
		return
	}
	v.pass(name, fmt.Sprintf("%s; %s per call", detail, perCall.Round(time.Microsecond)))
}

// responseProblems checks a raw response: UTF-8, then the schema. A
// response to a text that is not valid UTF-8 may copy invalid bytes from it
// (ABI.md "Positions").
func responseProblems(schemaName string, raw []byte, text string) []string {
	if !utf8.Valid(raw) && utf8.ValidString(text) {
		i := 0
		for i < len(raw) {
			r, n := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return []string{fmt.Sprintf("the response is not valid UTF-8 (byte %d of %d)", i, len(raw))}
	}
	var problems []string
	for _, err := range schema.Must(schemaName).Validate(raw) {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		problems = append(problems, "response: "+clip(raw))
	}
	return problems
}

// resultProblems decodes a schema-valid response the way the host does.
func resultProblems(raw []byte, method string, out any) []string {
	err := decodeResponse(raw, method, out)
	var guestErr *GuestError
	if errors.As(err, &guestErr) {
		return []string{fmt.Sprintf("answered an error: %q", guestErr.Message)}
	}
	if err != nil {
		return []string{err.Error()}
	}
	return nil
}

func rangeProblems(what string, start, end int, text string) []string {
	var p []string
	switch {
	case start < 0 || end < 0:
		p = append(p, fmt.Sprintf("%s has a negative offset [%d, %d)", what, start, end))
	case end > len(text) || start > len(text):
		p = append(p, fmt.Sprintf("%s [%d, %d) goes past the end of the %d-byte text", what, start, end, len(text)))
	case end < start:
		p = append(p, fmt.Sprintf("%s ends at %d, before its start %d", what, end, start))
	case !utf8.ValidString(text):
		// Invalid bytes have no character boundaries to respect.
	default:
		for _, off := range []int{start, end} {
			if off < len(text) && !utf8.RuneStart(text[off]) {
				p = append(p, fmt.Sprintf("%s offset %d is inside a multi-byte character: count bytes of UTF-8, not characters or UTF-16 units", what, off))
			}
		}
	}
	return p
}

func stringProblems(what string, ss ...string) []string {
	for _, s := range ss {
		if len(s) > maxStringBytes {
			return []string{fmt.Sprintf("%s has a string of %d bytes > %d (the host cuts it)", what, len(s), maxStringBytes)}
		}
	}
	return nil
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func equalJSON(a, b any) bool { return mustJSON(a) == mustJSON(b) }

func equalJSONBytes(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return mustJSON(x) == mustJSON(y)
}

// ParseSize parses a memory size as the configuration's memory key does: a
// byte count or a string such as "64MiB".
func ParseSize(s string) (uint64, error) { return parseMemory(s) }

func isASCIILetter(r rune) bool { return r < 0x80 && (r|0x20 >= 'a' && r|0x20 <= 'z') }
