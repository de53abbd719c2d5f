package extensions

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
)

// CacheLimit is the most compiled code lsphost keeps in a cache directory
// (PruneCache): ~50 Go guests.
const CacheLimit = 512 << 20

// PruneCache keeps the compiled code in the cache directory dir (the
// Options.CacheDir of earlier hosts) within limit bytes. wazero writes a
// file per module compiled and never removes one: every new build of an
// extension adds ~10 MB for a Go guest, and an extension author's cache
// grew past a gigabyte. PruneCache removes the files used longest ago (read
// or written: lastUsed) until the rest fits, and the directories it empties
// (those of older wazero versions, never read again, go first since they
// are the oldest). A module still in use whose file goes is compiled again
// at its next load, and its new file is then the newest. It returns how many
// files it removed and their bytes; the first error ends it.
func PruneCache(dir string, limit int64) (removed int, freed int64, err error) {
	type entry struct {
		path string
		size int64
		used int64 // lastUsed
	}
	var entries []entry
	var total int64
	dirs, err := filepath.Glob(filepath.Join(dir, "wazero-*"))
	if err != nil {
		return 0, 0, err
	}
	for _, d := range dirs {
		files, err := os.ReadDir(d)
		if err != nil {
			return 0, 0, err
		}
		for _, f := range files {
			info, err := f.Info()
			if err != nil || !info.Mode().IsRegular() {
				continue // removed meanwhile, or not wazero's
			}
			entries = append(entries, entry{filepath.Join(d, f.Name()), info.Size(), lastUsed(info)})
			total += info.Size()
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.used, b.used) })
	for _, e := range entries {
		if total <= limit {
			break
		}
		if err := os.Remove(e.path); err != nil && !os.IsNotExist(err) {
			return removed, freed, err
		}
		removed, freed, total = removed+1, freed+e.size, total-e.size
	}
	for _, d := range dirs {
		if files, err := os.ReadDir(d); err == nil && len(files) == 0 {
			os.Remove(d) // fails harmlessly if a file came meanwhile
		}
	}
	return removed, freed, nil
}
