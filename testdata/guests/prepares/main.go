// Command prepares records the texts the host sends it ahead of requests
// (sdk.Extension.Prepare), texts of 8 bytes or more, and tells of them on
// hover: "prepared version V (N bytes), P prepares in all", or "nothing
// prepared". Each instance has its own record: the host sends the requests
// on a document being prepared to the instance that prepared it.
package main

import (
	"strconv"

	"github.com/lsphost/lsphost/sdk"
)

var last struct {
	prepares, size int
	version        int32
}

func init() {
	sdk.Register(sdk.Extension{
		Name: "prepares",
		Prepare: func(doc *sdk.Document) error {
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
