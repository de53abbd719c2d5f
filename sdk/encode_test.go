package sdk

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/abi"
)

// encodeJSON is what appendString produces.
func encodeJSON(v any) []byte {
	b, err := encodeJSONErr(v)
	if err != nil {
		panic(err)
	}
	return b
}

// encodeJSONErr is what appendResult must produce, or fail for.
func encodeJSONErr(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// checkEncoder checks that append, given "prefix", appends what
// encoding/json writes for v, and fails exactly when encoding/json does.
func checkEncoder(t *testing.T, name string, v any, append func([]byte) ([]byte, error)) {
	t.Helper()
	want, wantErr := encodeJSONErr(v)
	got, err := append([]byte("prefix"))
	switch {
	case (err != nil) != (wantErr != nil):
		t.Fatalf("%s(%#v):\ngot  %s (error %v)\nwant prefix%s (error %v)", name, v, got, err, want, wantErr)
	case err == nil && string(got) != "prefix"+string(want):
		t.Fatalf("%s(%#v):\ngot  %s\nwant prefix%s", name, v, got, want)
	}
}

// checkResult checks appendResult(v) against encoding/json, and that it
// returns b as it was when it fails.
func checkResult(t *testing.T, v any) {
	t.Helper()
	checkEncoder(t, "appendResult", v, func(b []byte) ([]byte, error) {
		b, err := appendResult(b, v)
		if err != nil && string(b) != "prefix" {
			t.Fatalf("appendResult(%#v) = %q, %v: want b as it was", v, b, err)
		}
		return b, err
	})
}

// raw is data as a RawMessage, nil for "nil" (the fuzzers' strings cannot
// tell nil from empty).
func raw(data string) json.RawMessage {
	if data == "nil" {
		return nil
	}
	return json.RawMessage(data)
}

// rawSeeds are data for the fuzzers' seeds: valid and invalid, compact and
// not, nil and empty.
var rawSeeds = []string{
	"nil", "", "0", "-0", "12", "-12", "007", "-", " 1", "1 ", "1e3", "1.5E-7", "1.", ".5", "+1",
	`{bad`, `"<&>\u2028 é \ud800 \/"`, ` { "a" : [1, "<&>", true, false, null, {}] , "b":{ "c" : [ ] } } `,
	"\t[\r\n1 ,\n2]\n", `"unterminated`, `"\x"`, "\"\x01\"", "\"\xff\xfe\"", `[1,]`, `{"a":1,}`, `{"a"}`,
	`[1 2]`, `nul`, `truex`, `"\u12G4"`, `{1:2}`, `[]]`, "\x00",
}

// TestAppendUsualDiagnostics: the diagnostics written without a branch
// (putUsualDiagnostic) are written as encoding/json writes them, and so are
// those just outside what that path takes: offsets of 10^8, severities of 0
// and 10, messages of 7 and 33 bytes, a byte to escape at each position of
// a message.
func TestAppendUsualDiagnostics(t *testing.T) {
	check := func(d abi.Diagnostic) {
		t.Helper()
		r := abi.DiagnosticsResult{Diagnostics: []abi.Diagnostic{d, d}}
		checkEncoder(t, "appendDiagnostics", r, func(b []byte) ([]byte, error) { return appendDiagnostics(b, &r) })
	}
	for _, n := range []int{0, 1, 9, 10, 99, 100, 1234567, 9999999, 10000000, 12345678, 99999999, 1e8, -1} {
		check(abi.Diagnostic{Start: n, End: n + 1, Severity: 1, Message: "TODO: check it"})
		check(abi.Diagnostic{Start: 7, End: n, Severity: 4, Message: "TODO: check it"})
	}
	for sev := -1; sev <= 10; sev++ {
		check(abi.Diagnostic{Start: 1, End: 2, Severity: abi.Severity(sev), Message: "TODO: check it"})
	}
	check(abi.Diagnostic{Start: 1, End: 2, Severity: 2, Message: "TODO: check it", Code: "c"})
	check(abi.Diagnostic{Start: 1, End: 2, Severity: 2, Message: "TODO: check it", Data: raw("1")})
	for n := 0; n <= 40; n++ {
		plain := strings.Repeat("TODO: check the item, then ", 2)[:n]
		check(abi.Diagnostic{Start: 3, End: 7, Severity: 3, Message: plain})
		for at := range n {
			for _, c := range []string{`"`, `\`, "\n", "\x7f", "é"} {
				check(abi.Diagnostic{Start: 3, End: 7, Severity: 3, Message: plain[:at] + c + plain[at+1:]})
			}
		}
	}
}

func FuzzAppendDiagnostics(f *testing.F) {
	f.Add(0, 4, 2, "TODO: <tests> & \"quotes\" \\ \u2028\x01\x1f\b\f\n\r\t é \xff\xfe", "", "nil")
	f.Add(12, 16, 3, "TODO: check the item", "", "nil")
	f.Add(-5, 1<<40, 0, "", "E\u20291", "")
	for _, data := range rawSeeds {
		f.Add(1, 2, 3, "m", "c", data)
	}
	f.Fuzz(func(t *testing.T, start, end, severity int, message, code, data string) {
		for _, r := range []abi.DiagnosticsResult{
			{},
			{Diagnostics: []abi.Diagnostic{}},
			{Diagnostics: []abi.Diagnostic{
				{Start: start, End: end, Severity: abi.Severity(severity), Message: message, Code: code},
				{Start: end, End: start, Message: code, Code: message, Data: raw(data)},
			}},
		} {
			checkEncoder(t, "appendDiagnostics", r, func(b []byte) ([]byte, error) { return appendDiagnostics(b, &r) })
			checkResult(t, r)
		}
	})
}

func FuzzAppendCompletion(f *testing.F) {
	f.Add(true, 1, 2, "label", "detail\n", "*doc*", "insert ${1}", "filter", "sort", "new\ttext", "12")
	f.Add(false, 0, 0, "", "", "", "", "", "", "", ` { "a" : [1, "<&>"] } `)
	for _, data := range rawSeeds {
		f.Add(false, 1, 0, "x", "", "", "", "", "", "", data)
	}
	for _, label := range []string{"", "a", "delta_5000", "\"q\"", "tab\t", "é", strings.Repeat("x", 32), strings.Repeat("x", 33)} {
		for _, kind := range []int{0, 1, 9, 10, 99, 100, -1} {
			f.Add(false, kind, 0, label, "", "", "", "", "", "", "12345678")
		}
	}
	f.Fuzz(func(t *testing.T, incomplete bool, kind, start int, label, detail, doc, insert, filter, sort, newText, data string) {
		item := abi.CompletionItem{
			Label: label, Kind: abi.CompletionItemKind(kind), Detail: detail, Documentation: doc,
			InsertText: insert, InsertTextFormat: abi.InsertTextFormat(start % 3), FilterText: filter, SortText: sort,
		}
		withEdit := item
		withEdit.Edit = &abi.TextEdit{Start: start, End: kind, NewText: newText}
		withEdit.Data = raw(data)
		// A word's item (label, kind and data only: appendPlainItems).
		word := abi.CompletionItem{Label: label, Kind: item.Kind, Data: raw(data)}
		for _, r := range []abi.CompletionResult{
			{IsIncomplete: incomplete},
			{IsIncomplete: incomplete, Items: []abi.CompletionItem{}},
			{IsIncomplete: incomplete, Items: []abi.CompletionItem{item, withEdit}},
			{IsIncomplete: incomplete, Items: []abi.CompletionItem{word, word, {Label: "x", Kind: 1, Data: raw("7")}}},
			{IsIncomplete: incomplete, Items: []abi.CompletionItem{word, item}},
		} {
			checkEncoder(t, "appendCompletion", r, func(b []byte) ([]byte, error) { return appendCompletion(b, &r) })
			checkResult(t, r)
		}
		checkResult(t, item)
		checkResult(t, withEdit)
		checkResult(t, word)
	})
}

// strs splits s at '|' into a list, nil if s is "nil" and empty if s is "".
func strs(s string) []string {
	switch s {
	case "nil":
		return nil
	case "":
		return []string{}
	}
	return strings.Split(s, "|")
}

func FuzzAppendInitializeResult(f *testing.F) {
	f.Add("name", "1.0", "diagnostics|completion", ".|<", "go|markdown", "fix\u2028", "quickfix|source.fixAll", true, 65536)
	f.Add("", "", "nil", "", "nil", "", "nil", false, 0)
	f.Add("", "", "", "", "", "", "", false, -1)
	f.Add("n\"\\é\xff", "", "", "nil", "nil", "nil", "nil", true, 1)
	f.Fuzz(func(t *testing.T, name, version, features, triggers, languages, commands, kinds string, keepsText bool, prepareMin int) {
		checkResult(t, abi.InitializeResult{
			Name: name, Version: version, Features: strs(features), TriggerCharacters: strs(triggers),
			Languages: strs(languages), Commands: strs(commands), CodeActionKinds: strs(kinds), KeepsText: keepsText,
			PrepareMin: prepareMin,
		})
	})
}

func FuzzAppendHoverResult(f *testing.F) {
	f.Add("**doc** <b>", 0, 0)
	f.Add("", 3, 0)
	f.Add("x", 0, 7)
	f.Add("\u2029\x00", -1, 1<<40)
	f.Fuzz(func(t *testing.T, contents string, start, end int) {
		checkResult(t, abi.HoverResult{Contents: contents, Start: start, End: end})
	})
}

// ints makes a list of indices from s's bytes, nil if s is "nil".
func ints(s string) []int {
	if s == "nil" {
		return nil
	}
	n := []int{}
	for i := range len(s) {
		n = append(n, int(s[i])-'0')
	}
	return n
}

func FuzzAppendCodeActionResult(f *testing.F) {
	f.Add("Fix it", "quickfix", "02", true, 1, 4, "new", "Run", "ext.run", `{"uri": "file:///a b"}`, " 2 ", "nil", 0b11)
	f.Add("", "", "nil", false, 0, 0, "", "", "", "nil", "nil", "", 0)
	f.Add("t", "", "", false, 0, 0, "", "", "", "", "", "", 0b1)
	f.Add("t", "", "", false, 0, 0, "", "", "", "", "", "", 0b10101)
	f.Add("t", "", "0", false, 0, 0, "", "c", "c", `[1, {"a":null}]`, "nil", "nil", 0b11)
	f.Add("t", "", "0", false, 0, 0, "", "c", "c", `{bad`, "1", "nil", 0b11)
	f.Add("t", "", "0", false, 0, 0, "", "c", "c", `1`, "{bad", "nil", 0b11)
	f.Add("t", "", "0", false, 0, 0, "", "c", "c", `1`, "2", "{bad", 0b11)
	for _, data := range rawSeeds {
		f.Add("t", "k", "1", false, -1, -2, "x", "c", "c", data, "nil", data, 0b1011)
	}
	f.Fuzz(func(t *testing.T, title, kind, diags string, preferred bool, start, end int, newText, cmdTitle, cmd, arg0, arg1, data string, mask int) {
		// mask picks what is set: 1 command (2: with arguments), 4 no
		// edits, 8 empty edits.
		a := abi.CodeAction{Title: title, Kind: kind, Diagnostics: ints(diags), IsPreferred: preferred, Data: raw(data)}
		switch {
		case mask&4 != 0:
		case mask&8 != 0:
			a.Edits = []abi.TextEdit{}
		default:
			a.Edits = []abi.TextEdit{{Start: start, End: end, NewText: newText}, {Start: end, End: start}}
		}
		if mask&1 != 0 {
			a.Command = &abi.Command{Title: cmdTitle, Command: cmd}
			if mask&2 != 0 {
				a.Command.Arguments = []json.RawMessage{raw(arg0), raw(arg1)}
			} else if mask&16 != 0 {
				a.Command.Arguments = []json.RawMessage{}
			}
		}
		checkResult(t, a)
		checkResult(t, abi.CodeActionResult{})
		checkResult(t, abi.CodeActionResult{Actions: []abi.CodeAction{}})
		checkResult(t, abi.CodeActionResult{Actions: []abi.CodeAction{{Title: "first"}, a, {}}})
	})
}

func FuzzAppendFormattingResult(f *testing.F) {
	f.Add(0, 0, "", 0)
	f.Add(0, 0, "", 1)
	f.Add(3, 5, "\t<&>\n", 3)
	f.Add(-1, 1<<50, "\xff\u2028", 2)
	f.Fuzz(func(t *testing.T, start, end int, newText string, n int) {
		var r abi.FormattingResult // n%8 edits, nil for 0
		for i := range n % 8 {
			r.Edits = append(r.Edits, abi.TextEdit{Start: start + i, End: end, NewText: newText[i%(len(newText)+1):]})
		}
		checkResult(t, r)
		if r.Edits == nil {
			checkResult(t, abi.FormattingResult{Edits: []abi.TextEdit{}})
		}
	})
}

func FuzzAppendDocumentSymbolResult(f *testing.F) {
	f.Add("main", "func()", 12, 0, 10, 5, 9, 0)
	f.Add("", "", 0, 0, 0, 0, 0, 1)
	f.Add("a", "", 1, 1, 1, 1, 1, 2)
	f.Add("<T>\u2028", "\xff", -1, 1<<40, -3, 4, 5, 3)
	f.Fuzz(func(t *testing.T, name, detail string, kind, start, end, selStart, selEnd, shape int) {
		sym := func(n string, children []abi.Symbol) abi.Symbol {
			return abi.Symbol{Name: name + n, Detail: detail, Kind: abi.SymbolKind(kind), Start: start, End: end,
				SelectionStart: selStart, SelectionEnd: selEnd, Children: children}
		}
		var leaves []abi.Symbol // by shape: nil, empty, one, two
		switch shape % 4 {
		case 1:
			leaves = []abi.Symbol{}
		case 2:
			leaves = []abi.Symbol{sym(".1.1", nil)}
		case 3:
			leaves = []abi.Symbol{sym(".1.1", nil), sym(".1.2", []abi.Symbol{})}
		}
		symbols := []abi.Symbol{sym("1", []abi.Symbol{sym(".1", leaves), sym(".2", nil)}), sym("2", leaves)}
		checkResult(t, abi.DocumentSymbolResult{})
		checkResult(t, abi.DocumentSymbolResult{Symbols: []abi.Symbol{}})
		checkResult(t, abi.DocumentSymbolResult{Symbols: symbols})
		checkResult(t, abi.DocumentSymbolResult{Symbols: leaves})
	})
}

// TestAppendSymbolsCycle: a symbol among its own children is an error, as
// in encoding/json, not an endless recursion; deep symbols without a cycle
// are not.
func TestAppendSymbolsCycle(t *testing.T) {
	cycle := make([]abi.Symbol, 2)
	cycle[0].Children = cycle[1:]
	cycle[1].Children = cycle
	checkResult(t, abi.DocumentSymbolResult{Symbols: cycle})

	deep := []abi.Symbol{{Name: "leaf"}}
	for range 3 * maxAcyclicDepth {
		deep = []abi.Symbol{{Name: "a"}, {Name: "b", Children: deep}}
	}
	checkResult(t, abi.DocumentSymbolResult{Symbols: deep})
}

func FuzzAppendExecuteCommandResult(f *testing.F) {
	f.Add(` { "a\"\u00e9\n" : [ 1 , { "b" : [ ] , "c" : "x y" } , -1.5e+3 ] } `, 0, 2, "new", 1)
	f.Add("nil", 0, 0, "", 0)
	f.Add("nil", 0, 0, "", 1)
	f.Add("", 0, 0, "", 2)
	f.Add("\"\xff\"", 5, 1, "\n", 2)
	for _, data := range rawSeeds {
		f.Add(data, 1, 2, "x", 2)
	}
	f.Fuzz(func(t *testing.T, result string, start, end int, newText string, n int) {
		r := abi.ExecuteCommandResult{Result: raw(result)} // n%4 edits, nil for 0, empty for 1
		if n%4 > 0 {
			r.Edits = []abi.TextEdit{}
		}
		for i := range n%4 - 1 {
			r.Edits = append(r.Edits, abi.TextEdit{Start: start, End: end + i, NewText: newText})
		}
		checkResult(t, r)
	})
}

// TestAppendPrepareResult: prepare's empty result, as encoding/json writes it.
func TestAppendPrepareResult(t *testing.T) { checkResult(t, abi.PrepareResult{}) }

// TestAppendResultOtherTypes: types other than the results are refused.
func TestAppendResultOtherTypes(t *testing.T) {
	for _, v := range []any{nil, 1, "x", &abi.HoverResult{}, abi.TextEdit{}, []abi.Diagnostic{}} {
		if b, err := appendResult([]byte("prefix"), v); err == nil || string(b) != "prefix" {
			t.Errorf("appendResult(%#v) = %q, %v, want an error", v, b, err)
		}
	}
}

// FuzzAppendCompact: appendCompact accepts exactly what json.Valid does, and
// writes what json.Compact does.
func FuzzAppendCompact(f *testing.F) {
	for _, s := range rawSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00"`, `"\u00"`, `"\`, `"\u0000"`, "\"\x7f\"", `-`, `-01`, `0.0e`, `0e+`,
		`1E+2`, `-0.0e-0`, `[`, `{`, `{"a":`, `{"a" 1}`, `{"a":1 "b":2}`, `[,1]`, `,`, `true false`, ` `, "\ufeff1",
		`{"":{"":[[],{}]}}`, strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000),
		strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001), strings.Repeat(" [", 20000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		got, ok := appendCompact([]byte("prefix"), src)
		var want bytes.Buffer
		err := json.Compact(&want, src)
		if valid := json.Valid(src); valid != (err == nil) {
			t.Fatalf("json.Valid(%q) = %v but json.Compact: %v", src, valid, err)
		}
		switch {
		case ok != (err == nil):
			t.Fatalf("appendCompact(%q) = %q, %v; json.Compact: %q, %v", src, got, ok, want.Bytes(), err)
		case !ok && string(got) != "prefix":
			t.Fatalf("appendCompact(%q) = %q, false: want b as it was", src, got)
		case ok && string(got) != "prefix"+want.String():
			t.Fatalf("appendCompact(%q):\ngot  %s\nwant prefix%s", src, got, want.Bytes())
		}
	})
}

// FuzzIsJSONInteger: what isJSONInteger accepts, encoding/json accepts and
// compacts to the same bytes.
func FuzzIsJSONInteger(f *testing.F) {
	for _, s := range []string{"0", "-0", "12", "-12", "007", "-", "", " 1", "1 ", "1e3", "1.5", "+1", "--1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !isJSONInteger([]byte(s)) {
			return
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(s)); err != nil || buf.String() != s {
			t.Errorf("isJSONInteger(%q) = true, but encoding/json compacts it to %q (%v)", s, buf.String(), err)
		}
	})
}

// TestIsJSONIntegerWords holds isJSONInteger's word-at-once test of up to 8
// bytes, and shortIntegerFlaw's, to the grammar, on every string of up to 9 bytes over an alphabet
// of digits, signs and near misses (9 bytes take the loop).
func TestIsJSONIntegerWords(t *testing.T) {
	grammar := regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)
	alphabet := []byte("-019/:a \x00\x80")
	var check func(b []byte)
	check = func(b []byte) {
		if got, want := isJSONInteger(b), grammar.Match(b); got != want {
			t.Fatalf("isJSONInteger(%q) = %v, want %v", b, got, want)
		}
		// shortIntegerFlaw: 0 for nothing or an integer of up to 8 bytes.
		if got, want := shortIntegerFlaw(b) == 0, len(b) == 0 || len(b) <= 8 && grammar.Match(b); got != want {
			t.Fatalf("shortIntegerFlaw(%q) == 0 is %v, want %v", b, got, want)
		}
		if len(b) == 9 || len(b) > 3 && b[len(b)-1] != '0' && b[len(b)-1] != '9' {
			return // long strings only grow from digits: the count stays small
		}
		for _, c := range alphabet {
			check(append(b, c))
		}
	}
	check(nil)
}

// FuzzAppendInt: appendInt is strconv.AppendInt.
func FuzzAppendInt(f *testing.F) {
	for _, n := range []int{0, 9, 10, 99, 100, 12345, 99999999, 1e8, -1, -12345} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int) {
		if got, want := string(appendInt([]byte("x"), n)), "x"+strconv.Itoa(n); got != want {
			t.Errorf("appendInt(%d) = %s, want %s", n, got, want)
		}
	})
}

// TestAppendStringWords checks appendString where its words meet bytes
// that need escaping, at every position in strings of every length up to
// 40: plainString reads short strings in overlapping pieces and long ones
// a word at a time ending on an overlapping word.
func TestAppendStringWords(t *testing.T) {
	for _, special := range []string{`"`, `\`, "\n", "\x00", "\x1f", "é", "\u2028", "\xff", "<", "\x7f"} {
		for n := range 41 {
			for at := range n + 1 {
				s := strings.Repeat("a", at) + special + strings.Repeat("b", n-at)
				if got, want := appendString(nil, s), encodeJSON(s); !bytes.Equal(got, want) {
					t.Errorf("appendString(%q) = %s, want %s", s, got, want)
				}
			}
			if s := strings.Repeat("c", n); plainString(s) != true {
				t.Errorf("plainString(%q) = false", s)
			}
		}
	}
}
