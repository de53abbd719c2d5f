package lsp

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

var update = flag.Bool("update", false, "rewrite the want section of scenario files with the actual output")

// TestScenarios runs every testdata/scenarios/*.txtar file: a workspace
// (its files), a script of editor actions and the output they must produce.
// See testdata/scenarios/README.md for the script language.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios found: %v", err)
	}
	warmCompileCache(t, files)
	// For the grants scenarios: a variable an extension may or may not see.
	os.Setenv("LSPHOST_TEST_SECRET", "s3cret")
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		guests := scenarioGuests(t, file)
		if guests == nil {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				runScenario(t, file, "")
			})
			continue
		}
		// A scenario with a guests section runs once per guest, with
		// $GUEST naming it, and every guest must give the same output.
		for _, guest := range guests {
			t.Run(name+"/"+guest, func(t *testing.T) {
				t.Parallel()
				runScenario(t, file, guest)
			})
		}
	}
}

// scenarioGuests lists the guests of a scenario's guests section, or nil.
func scenarioGuests(t *testing.T, file string) []string {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	list, ok := parseArchive(string(data)).files["guests"]
	if !ok {
		return nil
	}
	return strings.Fields(list)
}

// warmCompileCache compiles every extension the scenarios use, one at a
// time, so that the parallel scenarios find them in the cache instead of
// all compiling the same modules at once (slow under the race detector).
// make test has usually done this already, and then it costs little.
func warmCompileCache(t *testing.T, files []string) {
	host := extensions.NewHost(extensions.Options{CacheDir: filepath.Join(wasmbuild.CacheDir(), "compiled")})
	seen := map[string]bool{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		refs := wasmRef.FindAllStringSubmatch(string(data), -1)
		for _, g := range scenarioGuests(t, file) {
			refs = append(refs, []string{"$" + g + ".wasm", g, "wasm"})
		}
		for _, m := range refs {
			if m[1] == "GUEST" {
				continue
			}
			if m[2] != "wasm" {
				continue
			}
			if !seen[m[1]] {
				seen[m[1]] = true
				spec := extensions.Spec{Name: m[1], Wasm: wasmPath(t, m[1]), Timeout: time.Minute, Memory: extensions.DefaultMemory}
				if ext, err := host.Load(context.Background(), spec); err == nil {
					ext.Close(context.Background())
				}
			}
		}
	}
}

// archive is a parsed txtar file.
type archive struct {
	comment string
	names   []string
	files   map[string]string
}

func parseArchive(data string) archive {
	a := archive{files: map[string]string{}}
	name := ""
	var b strings.Builder
	flush := func() {
		if name == "" {
			a.comment = b.String()
		} else {
			a.names = append(a.names, name)
			a.files[name] = b.String()
		}
		b.Reset()
	}
	for _, line := range strings.SplitAfter(data, "\n") {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(strings.TrimRight(line, "\n"), " --") {
			flush()
			name = strings.TrimSuffix(strings.TrimPrefix(strings.TrimRight(line, "\n"), "-- "), " --")
			continue
		}
		b.WriteString(line)
	}
	flush()
	return a
}

func (a archive) format() string {
	var b strings.Builder
	b.WriteString(a.comment)
	for _, name := range a.names {
		fmt.Fprintf(&b, "-- %s --\n%s", name, a.files[name])
	}
	return b.String()
}

// wasmRef is how a scenario's TOML names a built extension: $NAME.wasm is
// its path, $NAME.sha256 its digest.
var wasmRef = regexp.MustCompile(`\$([A-Za-z0-9_-]+)\.(wasm|sha256)`)

// wasmPath builds the extension called name: a first-party example, or else
// a guest under testdata/guests: a Go one is built, one in another language
// is its committed .wasm (or, when LSPHOST_GUESTS_DIR is set, NAME.wasm
// there: make guests rebuilds them from source into that folder).
func wasmPath(t testing.TB, name string) string {
	if _, err := os.Stat(filepath.Join(wasmbuild.Root(), "sdk", "examples", name)); err == nil {
		return wasmbuild.Example(t, name)
	}
	dir := filepath.Join(wasmbuild.Root(), "testdata", "guests", name)
	if _, err := os.Stat(filepath.Join(dir, "build.sh")); err == nil {
		if built := os.Getenv("LSPHOST_GUESTS_DIR"); built != "" {
			return filepath.Join(built, name+".wasm")
		}
		wasm, _ := filepath.Glob(filepath.Join(dir, "*.wasm"))
		if len(wasm) != 1 {
			t.Fatalf("guest %s: want one committed .wasm file in %s, found %d", name, dir, len(wasm))
		}
		return wasm[0]
	}
	return wasmbuild.Build(t, filepath.Join("testdata", "guests", name))
}

type scenario struct {
	t     *testing.T
	c     *client
	root  string
	arch  archive
	texts map[string]string // the editor's view of each open file
	vers  map[string]int32
	enc   string // the negotiated position encoding
	out   strings.Builder
	// printed counts the publishDiagnostics notes seen when a file's
	// diagnostics were last printed, for rediagnostics.
	printed map[string]int
}

func runScenario(t *testing.T, file, guest string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	a := parseArchive(string(data))
	root := t.TempDir()
	// Paths and digests that vary between runs are shown by name.
	masks := map[string]string{root: "$WORK"}
	opts := testOptions(t)
	for _, name := range a.names {
		if name == "script" || name == "want" || name == "guests" || name == "folders" || name == "capabilities.json" {
			continue
		}
		content := a.files[name]
		if strings.HasSuffix(name, ".toml") {
			if guest != "" {
				content = strings.ReplaceAll(content, "$GUEST.", "$"+guest+".")
			}
			content = wasmRef.ReplaceAllStringFunc(content, func(ref string) string {
				m := wasmRef.FindStringSubmatch(ref)
				path := wasmPath(t, m[1])
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				sum := fmt.Sprintf("%x", sha256.Sum256(data))
				shown := m[1]
				if m[1] == guest {
					shown = "GUEST"
				}
				masks[path], masks[sum] = "$"+shown+".wasm", "$"+shown+".sha256"
				if m[2] == "wasm" {
					return path
				}
				return sum
			})
		}
		path := filepath.Join(root, name)
		if name == "user.toml" {
			path = filepath.Join(t.TempDir(), "config.toml")
			opts.UserConfig = path
			masks[path] = "$USERCONFIG"
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := &scenario{t: t, c: startServer(t, opts), root: root, arch: a, texts: map[string]string{}, vers: map[string]int32{}, enc: "utf-16", printed: map[string]int{}}
	// capabilities.json, if present, are the client's capabilities.
	caps := map[string]any{}
	if raw, ok := a.files["capabilities.json"]; ok {
		if err := json.Unmarshal([]byte(raw), &caps); err != nil {
			t.Fatalf("capabilities.json: %v", err)
		}
	}
	var init struct {
		Capabilities struct{ PositionEncoding string }
	}
	// folders, if present, lists more workspace folders (subfolders).
	var more []string
	for _, f := range strings.Fields(a.files["folders"]) {
		more = append(more, filepath.Join(root, f))
	}
	json.Unmarshal(s.c.initializeWith(root, caps, more...), &init)
	s.enc = init.Capabilities.PositionEncoding
	for i, line := range strings.Split(a.files["script"], "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		args, err := splitArgs(line)
		if verb, rest, _ := strings.Cut(line, " "); verb == "request" || verb == "notify" {
			// request METHOD JSON: the JSON is the rest of the line.
			method, json, _ := strings.Cut(strings.TrimSpace(rest), " ")
			args, err = []string{verb, method, strings.TrimSpace(json)}, nil
		}
		if err != nil {
			t.Fatalf("script line %d: %v", i+1, err)
		}
		fmt.Fprintf(&s.out, "> %s\n", line)
		s.run(args)
	}
	got := s.out.String()
	for value, name := range masks {
		got = strings.ReplaceAll(got, value, name)
	}
	if *update && guest != "" && guest != scenarioGuests(t, file)[0] {
		return // the first guest writes the want section; run again to compare the others
	}
	if *update {
		if _, ok := a.files["want"]; !ok {
			a.names = append(a.names, "want")
		}
		a.files["want"] = got
		if err := os.WriteFile(file, []byte(a.format()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want := a.files["want"]; got != want {
		t.Errorf("output differs (run with -update to accept)\n--- got ---\n%s--- want ---\n%s", got, want)
	}
}

// splitArgs splits a script line into words; Go-quoted strings are one word.
func splitArgs(line string) ([]string, error) {
	var args []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
		if line[0] == '"' || line[0] == '`' {
			q, err := strconv.QuotedPrefix(line)
			if err != nil {
				return nil, fmt.Errorf("bad quoted string in %q", line)
			}
			s, _ := strconv.Unquote(q)
			args = append(args, s)
			line = line[len(q):]
			continue
		}
		i := strings.IndexAny(line, " \t")
		if i < 0 {
			i = len(line)
		}
		args = append(args, line[:i])
		line = line[i:]
	}
	return args, nil
}

func (s *scenario) uri(name string) string { return fileURI(filepath.Join(s.root, name)) }

var (
	uriRef   = regexp.MustCompile(`\$URI\(([^)]*)\)`)
	posRef   = regexp.MustCompile(`\$POS\(([^,]*),"([^"]*)"\)`)
	diagsRef = regexp.MustCompile(`\$DIAGS\(([^)]*)\)`)
)

// expand replaces in a request's JSON: $URI(name) by the URI of that file;
// $POS(name,"before^after") by the position of ^ in its text, in the
// negotiated encoding; $DIAGS(name) by the diagnostics last published for
// it, as the editor would send them back.
func (s *scenario) expand(arg string) string {
	arg = uriRef.ReplaceAllStringFunc(arg, func(ref string) string {
		return s.uri(uriRef.FindStringSubmatch(ref)[1])
	})
	arg = posRef.ReplaceAllStringFunc(arg, func(ref string) string {
		m := posRef.FindStringSubmatch(ref)
		text := s.texts[m[1]]
		before, after, _ := strings.Cut(m[2], "^")
		i := strings.Index(text, before+after)
		if i < 0 {
			s.t.Fatalf("$POS: %q not in %s", m[2], m[1])
		}
		b, _ := json.Marshal(lspPosition(text, i+len(before), s.enc))
		return string(b)
	})
	return diagsRef.ReplaceAllStringFunc(arg, func(ref string) string {
		uri := s.uri(diagsRef.FindStringSubmatch(ref)[1])
		s.c.mu.Lock()
		defer s.c.mu.Unlock()
		for i := len(s.c.notes) - 1; i >= 0; i-- {
			var p struct {
				URI         string
				Diagnostics json.RawMessage
			}
			if s.c.notes[i].Method == "textDocument/publishDiagnostics" && json.Unmarshal(s.c.notes[i].Params, &p) == nil && p.URI == uri {
				return string(p.Diagnostics)
			}
		}
		return "[]"
	})
}

func (s *scenario) run(args []string) {
	t := s.t
	need := func(n int) {
		if len(args) < n {
			t.Fatalf("%s needs %d arguments", args[0], n-1)
		}
	}
	switch args[0] {
	case "open": // open FILE [LANGUAGE]
		need(2)
		lang := strings.TrimPrefix(filepath.Ext(args[1]), ".")
		if len(args) > 2 {
			lang = args[2]
		}
		content, ok := s.arch.files[args[1]]
		if !ok {
			t.Fatalf("open %s: no such file in the archive", args[1])
		}
		s.texts[args[1]] = content
		s.c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": s.uri(args[1]), "languageId": lang, "version": s.vers[args[1]], "text": content}})
	case "change": // change FILE OLD NEW: replace the first OLD with NEW
		need(4)
		old := s.texts[args[1]]
		i := strings.Index(old, args[2])
		if i < 0 {
			t.Fatalf("change %s: %q not found", args[1], args[2])
		}
		s.vers[args[1]]++
		s.texts[args[1]] = old[:i] + args[3] + old[i+len(args[2]):]
		s.c.notify("textDocument/didChange", map[string]any{
			"textDocument": map[string]any{"uri": s.uri(args[1]), "version": s.vers[args[1]]},
			"contentChanges": []any{map[string]any{
				"range": map[string]any{"start": lspPosition(old, i, s.enc), "end": lspPosition(old, i+len(args[2]), s.enc)},
				"text":  args[3],
			}},
		})
	case "symlink": // symlink TARGET LINK: make a symbolic link in the workspace
		need(3)
		if err := os.Symlink(args[1], filepath.Join(s.root, args[2])); err != nil {
			t.Fatal(err)
		}
	case "close":
		need(2)
		delete(s.texts, args[1])
		s.c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": s.uri(args[1])}})
	case "save":
		need(2)
		s.c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": s.uri(args[1])}})
	case "diagnostics": // diagnostics FILE: wait for the current version's diagnostics
		need(2)
		s.printDiagnostics(args[1], false)
	case "complete": // complete FILE "text with ^ at the cursor" [TRIGGER]
		need(3)
		s.complete(args[1], args[2], args[3:])
	case "request": // request METHOD JSON
		need(3)
		s.printReply(s.c.call(args[1], json.RawMessage(s.expand(args[2]))))
	case "notify": // notify METHOD JSON: send a notification as is
		need(3)
		s.c.notify(args[1], json.RawMessage(s.expand(args[2])))
	case "write": // write NAME FROM: replace workspace file NAME by workspace file FROM and tell the server
		need(3)
		content, err := os.ReadFile(filepath.Join(s.root, args[2])) // with $name.wasm expanded
		if err != nil {
			t.Fatal(err)
		}
		// Renamed into place (writeFile): with os.WriteFile, a writer
		// starved between truncation and write for over the server's
		// second of patience (seen in CI, under the race detector on two
		// cores) made it load an empty configuration.
		writeFile(t, filepath.Join(s.root, args[1]), string(content))
		s.c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": s.uri(args[1]), "type": 2}}})
	case "awaitmessage": // awaitmessage TEXT: wait for a window/showMessage containing TEXT and print it
		need(2)
		var shown string
		s.c.waitFor("a message with "+args[1], func() bool {
			for _, m := range s.c.notes {
				var p struct{ Message string }
				if m.Method == "window/showMessage" && json.Unmarshal(m.Params, &p) == nil && strings.Contains(p.Message, args[1]) {
					shown = p.Message
					return true
				}
			}
			return false
		})
		fmt.Fprintf(&s.out, "  %s\n", strings.ReplaceAll(shown, "\n", "\n    "))
	case "rediagnostics": // rediagnostics FILE: wait for diagnostics newer than those last printed
		need(2)
		s.printDiagnostics(args[1], true)
	case "setversion": // setversion FILE N: the version the next change follows
		need(3)
		v, err := strconv.Atoi(args[2])
		if err != nil {
			t.Fatalf("setversion: %v", err)
		}
		s.vers[args[1]] = int32(v)
	case "raw": // raw BODY: send a frame with this body, print the null-id reply
		need(2)
		s.c.writeRaw(args[1])
		s.printReply(s.c.wait(nil))
		s.c.mu.Lock()
		delete(s.c.replies, "null")
		s.c.mu.Unlock()
	case "messages": // messages: print the window/showMessage notifications so far
		// The messages of the load come before the status reply, and a
		// request is answered after every notification sent before it, so
		// the reply is a barrier for what those produced.
		s.c.loaded()
		for _, m := range s.c.notifications("window/showMessage") {
			var p struct {
				Type    int    `json:"type"`
				Message string `json:"message"`
			}
			json.Unmarshal(m.Params, &p)
			fmt.Fprintf(&s.out, "  %s: %s\n", messageTypes[p.Type], strings.ReplaceAll(p.Message, "\n", "\n    "))
		}
	case "shutdown":
		fmt.Fprintf(&s.out, "  exit code %d\n", s.c.shutdown())
	default:
		t.Fatalf("unknown script command %q", args[0])
	}
}

var messageTypes = map[int]string{1: "error", 2: "warning", 3: "info", 4: "log"}
var severities = map[int]string{1: "error", 2: "warning", 3: "information", 4: "hint"}

func (s *scenario) printReply(r response) {
	if r.Error != nil {
		fmt.Fprintf(&s.out, "  error %d: %s\n", r.Error.Code, r.Error.Message)
		return
	}
	fmt.Fprintf(&s.out, "  result %s\n", r.Result)
}

type lspDiagnostic struct {
	Range struct {
		Start, End struct{ Line, Character int }
	}
	Severity int
	Source   string
	Message  string
	Code     any
}

// printDiagnostics prints the diagnostics published for the file's current
// version; newer, if they must come after those printed last.
func (s *scenario) printDiagnostics(name string, newer bool) {
	uri, version := s.uri(name), s.vers[name]
	var params struct {
		Version     *int32          `json:"version"`
		Diagnostics []lspDiagnostic `json:"diagnostics"`
	}
	s.c.waitFor(fmt.Sprintf("diagnostics of %s version %d", name, version), func() bool {
		for i := len(s.c.notes) - 1; i >= 0; i-- {
			if newer && i < s.printed[name] {
				return false
			}
			m := s.c.notes[i]
			if m.Method != "textDocument/publishDiagnostics" || !strings.Contains(string(m.Params), `"uri":"`+uri+`"`) {
				continue
			}
			params.Version = nil
			if err := json.Unmarshal(m.Params, &params); err != nil {
				s.t.Fatalf("publishDiagnostics %s: %v", m.Params, err)
			}
			ok := params.Version != nil && *params.Version == version
			if ok {
				s.printed[name] = len(s.c.notes)
			}
			return ok
		}
		return false
	})
	if params.Diagnostics == nil {
		s.t.Errorf("diagnostics of %s: null, want a list", name)
	}
	for _, d := range params.Diagnostics {
		r := d.Range
		fmt.Fprintf(&s.out, "  %d:%d-%d:%d %s %s: %s\n", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character, severities[d.Severity], d.Source, d.Message)
	}
	if len(params.Diagnostics) == 0 {
		fmt.Fprintf(&s.out, "  (none)\n")
	}
}

func (s *scenario) complete(name, at string, trigger []string) {
	text := s.texts[name]
	before, after, ok := strings.Cut(at, "^")
	i := strings.Index(text, before+after)
	if !ok || i < 0 {
		s.t.Fatalf("complete %s: %q (with ^ as the cursor) not found", name, at)
	}
	ctx := map[string]any{"triggerKind": 1}
	if len(trigger) > 0 {
		ctx = map[string]any{"triggerKind": 2, "triggerCharacter": trigger[0]}
	}
	r := s.c.call("textDocument/completion", map[string]any{
		"textDocument": map[string]any{"uri": s.uri(name)},
		"position":     lspPosition(text, i+len(before), s.enc),
		"context":      ctx,
	})
	if r.Error != nil {
		s.printReply(r)
		return
	}
	var list struct {
		IsIncomplete bool `json:"isIncomplete"`
		Items        []struct {
			Label string
			Kind  int
			Data  struct{ Extension string }
		} `json:"items"`
	}
	if err := json.Unmarshal(r.Result, &list); err != nil {
		s.t.Fatalf("completion result %s: %v", r.Result, err)
	}
	fmt.Fprintf(&s.out, "  incomplete=%v\n", list.IsIncomplete)
	for _, it := range list.Items {
		fmt.Fprintf(&s.out, "  %s kind=%d %s\n", it.Label, it.Kind, it.Data.Extension)
	}
}

// lspPosition is the LSP (UTF-16) position of byte offset off in text,
// computed independently of package text.
func lspPosition(text string, off int, enc string) map[string]int {
	line, col := 0, 0
	for _, r := range text[:off] {
		switch {
		case r == '\n':
			line, col = line+1, 0
		case enc == "utf-8":
			col += utf8.RuneLen(r)
		case enc == "utf-32" || r == utf8.RuneError:
			col++
		default:
			col += len(utf16.Encode([]rune{r}))
		}
	}
	return map[string]int{"line": line, "character": col}
}
