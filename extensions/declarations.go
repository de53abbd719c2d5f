package extensions

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lsphost/lsphost/abi"
)

// The declaration cache remembers what each extension declared the last time
// it loaded, so that the server can state its capabilities in its answer to
// initialize without waiting for a compile (RATIONALE.md, "Why answer
// initialize before the extensions load?"). It is a hint: a stale entry
// costs a capability that is slightly off until the load corrects it.

// wasmStamp identifies one version of a .wasm file cheaply: a stat, no read.
type wasmStamp struct {
	size    int64
	modTime time.Time
}

func stampOf(path string) (wasmStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return wasmStamp{}, err
	}
	return wasmStamp{fi.Size(), fi.ModTime()}, nil
}

func (h *Host) declarationFile(spec Spec) (string, bool) {
	if h.opts.CacheDir == "" {
		return "", false
	}
	st, err := stampOf(spec.Wasm)
	if err != nil {
		return "", false
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d", spec.Key(), st.size, st.modTime.UnixNano()))
	return filepath.Join(h.opts.CacheDir, "declarations", hex.EncodeToString(sum[:16])+".json"), true
}

// CachedDeclaration returns what the extension spec describes declared when
// it last loaded, if neither the spec nor its .wasm file changed since. The
// server asks at initialize and again when it starts loading: the file is
// read once.
func (h *Host) CachedDeclaration(spec Spec) (abi.InitializeResult, bool) {
	var d abi.InitializeResult
	file, ok := h.declarationFile(spec)
	if !ok {
		return d, false
	}
	h.mu.Lock()
	data, known := h.declarations[file]
	h.mu.Unlock()
	if !known {
		var err error
		if data, err = os.ReadFile(file); err != nil {
			return d, false
		}
		h.mu.Lock()
		h.declarations[file] = data
		h.mu.Unlock()
	}
	if json.Unmarshal(data, &d) != nil {
		return d, false
	}
	return d, true
}

// saveDeclaration caches what spec's extension declared, unless the cache
// has exactly that already (as after every start but the first).
func (h *Host) saveDeclaration(spec Spec, d abi.InitializeResult) {
	file, ok := h.declarationFile(spec)
	if !ok {
		return
	}
	data, err := json.Marshal(d)
	if err != nil {
		h.log.Debug("declaration not cached", "extension", spec.Name, "err", err)
		return
	}
	h.mu.Lock()
	same := bytes.Equal(h.declarations[file], data)
	h.declarations[file] = data
	h.mu.Unlock()
	if same {
		return
	}
	err = os.MkdirAll(filepath.Dir(file), 0o755)
	if err == nil {
		err = writeFileAtomic(file, data, 0o644)
	}
	if err != nil {
		h.log.Debug("declaration not cached", "extension", spec.Name, "err", err)
	}
}

// WasmChanged reports whether the extension's .wasm file changed (or
// vanished) since it was loaded.
func (e *Extension) WasmChanged() bool {
	st, err := stampOf(e.spec.Wasm)
	return err != nil || st.size != e.stamp.size || !st.modTime.Equal(e.stamp.modTime)
}
