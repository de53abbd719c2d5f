// Command prepares records the texts the host sends it ahead of requests
// (sdk.Extension.Prepare), texts of 8 bytes or more, and tells of them on
// hover: "prepared version V (N bytes), P prepares in all", or "nothing
// prepared". Each instance has its own record: the host sends the requests
// on a prepared document to the instance that prepared it. A text
// that starts with "spin" makes the prepare spin forever (the host must
// stop it at its deadline); one that starts with "slow" makes it take a
// while (4 million loop iterations: 40 ms at the very least, ~200 ms
// under the host's preemption checks).
package main

import (
	"strconv"
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

// spun is what the slow prepare computes, kept so that its loop is not
// optimized away.
var spun int

var last struct {
	prepares, size int
	version        int32
}

func init() {
	sdk.Register(sdk.Extension{
		Name: "prepares",
		Prepare: func(doc *sdk.Document) error {
			for strings.HasPrefix(doc.Text, "spin") {
				last.prepares++ // never returns
			}
			if strings.HasPrefix(doc.Text, "slow") {
				for i := 0; i < 4_000_000; i++ {
					spun += i
				}
			}
			last.prepares++
			last.version, last.size = doc.Version, len(doc.Text)
			return nil
		},
		PrepareMin: 8,
		Hover: func(*sdk.HoverRequest) (sdk.Hover, error) {
			if last.prepares == 0 {
				return sdk.Hover{Contents: "nothing prepared"}, nil
			}
			return sdk.Hover{Contents: "prepared version " + strconv.Itoa(int(last.version)) + " (" + strconv.Itoa(last.size) +
				" bytes), " + strconv.Itoa(last.prepares) + " prepares in all"}, nil
		},
	})
}

func main() {}
