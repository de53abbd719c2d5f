//go:build !wasip1

package sdk

import (
	"slices"
	"strings"
)

// distinctRuns finds the runs natively, as the host does for a guest.
func distinctRuns(s string, class *ByteClass) ([]Run, bool) {
	var runs []Run
	seen := map[string]int{}
	for i := 0; i < len(s); {
		if !class.Has(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && class.Has(s[j]) {
			j++
		}
		if k, found := seen[s[i:j]]; found {
			runs[k].Count++
		} else if len(runs) == MaxRuns {
			return nil, false
		} else {
			seen[s[i:j]] = len(runs)
			runs = append(runs, Run{Start: i, End: j, Count: 1})
		}
		i = j
	}
	slices.SortFunc(runs, func(a, b Run) int { return strings.Compare(s[a.Start:a.End], s[b.Start:b.End]) })
	return runs, true
}
