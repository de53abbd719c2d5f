// Command grants probes its sandbox: each line of a document is a probe,
// and each probe's outcome becomes a diagnostic on that line, so a test sees
// exactly what the extension could reach.
//
//	read PATH    sdk.ReadFile (the read_file host function)
//	open PATH    os.ReadFile (the WASI mounts)
//	env NAME     os.LookupEnv
//	clock        whether the wall clock is real (after 2022)
//	wait MS      reads the monotonic clock until MS milliseconds have passed
//	             by it, and tells how many readings that took
//	random       16 bytes of crypto/rand, in hex
package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{Name: "grants", Diagnostics: probe})
}

func probe(doc *sdk.Document) ([]sdk.Diagnostic, error) {
	var diags []sdk.Diagnostic
	offset := 0
	for _, line := range strings.SplitAfter(doc.Text, "\n") {
		start := offset
		offset += len(line)
		verb, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		var msg string
		switch verb {
		case "read":
			msg = outcome(sdk.ReadFile(arg))
		case "open":
			msg = outcome(os.ReadFile(arg))
		case "env":
			v, ok := os.LookupEnv(arg)
			msg = fmt.Sprintf("set=%v value=%q", ok, v)
		case "clock":
			msg = fmt.Sprintf("real=%v", time.Now().Year() > 2022)
		case "wait":
			ms, _ := strconv.Atoi(arg)
			start, readings := time.Now(), 1
			for ; time.Since(start) < time.Duration(ms)*time.Millisecond; readings++ {
			}
			msg = fmt.Sprintf("readings=%d", readings)
		case "random":
			b := make([]byte, 16)
			rand.Read(b)
			msg = fmt.Sprintf("%x", b)
		default:
			continue
		}
		diags = append(diags, sdk.Diagnostic{Start: start, End: start + len(verb), Severity: sdk.SeverityHint, Message: msg})
	}
	return diags, nil
}

func outcome(data []byte, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("ok: %q", strings.TrimSpace(string(data)))
}

func main() {}
