package extensions

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Pin is the state of one extension's sha256 pin.
type Pin struct {
	Spec   Spec
	Actual string // digest of the .wasm file, "" if it cannot be read
	Size   int64  // of the .wasm file
	Err    error  // why the file cannot be read
}

// PinOf reads spec's module and reports its pin.
func PinOf(spec Spec) Pin {
	p := Pin{Spec: spec}
	data, err := os.ReadFile(spec.Wasm)
	if err != nil {
		p.Err = err
		return p
	}
	sum := sha256.Sum256(data)
	p.Actual, p.Size = hex.EncodeToString(sum[:]), int64(len(data))
	return p
}

// State is "ok", "missing" (no pin), "stale" (the pin does not match the
// file) or "unreadable".
func (p Pin) State() string {
	switch {
	case p.Err != nil:
		return "unreadable"
	case p.Spec.SHA256 == "":
		return "missing"
	case p.Spec.SHA256 != p.Actual:
		return "stale"
	}
	return "ok"
}

// Pins reports the pin of every extension the configuration at path
// declares.
func Pins(path string) ([]Pin, []error) {
	specs, errs := LoadConfig(path)
	pins := make([]Pin, 0, len(specs))
	for _, s := range specs {
		pins = append(pins, PinOf(s))
	}
	return pins, errs
}

var (
	tableHeader = regexp.MustCompile(`^\s*\[`)
	sha256Line  = regexp.MustCompile(`^(\s*sha256\s*=\s*)"[^"]*"(.*)$`)
)

// WritePins writes the actual digest of every missing or stale pin into
// the configuration at path, editing only those lines so that comments and
// layout stay as they are. It returns the pins it wrote.
func WritePins(path string, pins []Pin) ([]Pin, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(string(data), "\n")
	var written []Pin
	// Edit from the bottom up so that earlier line numbers stay valid.
	for i := len(pins) - 1; i >= 0; i-- {
		p := pins[i]
		if st := p.State(); st != "missing" && st != "stale" {
			continue
		}
		header := p.Spec.Line - 1
		if header < 0 || header >= len(lines) || !strings.Contains(lines[header], "extensions."+p.Spec.Name) || !tableHeader.MatchString(lines[header]) {
			return written, fmt.Errorf("%s:%d: extensions.%s: not a [extensions.%s] table; add sha256 = %q by hand", path, p.Spec.Line, p.Spec.Name, p.Spec.Name, p.Actual)
		}
		end := header + 1
		for end < len(lines) && !tableHeader.MatchString(lines[end]) {
			end++
		}
		replaced := false
		for j := header + 1; j < end; j++ {
			if m := sha256Line.FindStringSubmatch(strings.TrimRight(lines[j], "\r\n")); m != nil {
				lines[j] = fmt.Sprintf("%s%q%s\n", m[1], p.Actual, m[2])
				replaced = true
			}
		}
		if !replaced {
			newline := fmt.Sprintf("sha256 = %q\n", p.Actual)
			lines = append(lines[:header+1], append([]string{newline}, lines[header+1:]...)...)
			if !strings.HasSuffix(lines[header], "\n") {
				lines[header] += "\n"
			}
		}
		written = append(written, p)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	return written, writeFileAtomic(path, []byte(strings.Join(lines, "")), info.Mode())
}
