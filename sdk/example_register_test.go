package sdk_test

import (
	"fmt"
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

// config holds the extension's settings, with their defaults.
var config = struct {
	Marker string `json:"marker"`
}{Marker: "TODO"}

// An extension registers from init: its module is a reactor, whose main
// never runs.
func init() {
	sdk.Register(sdk.Extension{
		Name:    "marker",
		Version: "1.0.0",
		Init: func(s sdk.Settings) error {
			return s.Decode(&config)
		},
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			var diags []sdk.Diagnostic
			for i := 0; ; {
				j := strings.Index(doc.Text[i:], config.Marker)
				if j < 0 {
					return diags, nil
				}
				start := i + j
				i = start + len(config.Marker)
				line, _ := doc.LineCol(start)
				diags = append(diags, sdk.Diagnostic{
					Start:    start,
					End:      i,
					Severity: sdk.SeverityInformation,
					Message:  fmt.Sprintf("%s on line %d", config.Marker, line+1),
				})
			}
		},
	})
}

// Register is called from init. Handle then runs requests natively exactly
// as the host's calls would, which is how an extension is tested.
func ExampleRegister() {
	initialize := `{"method":"initialize","abiVersion":1,"settings":{"marker":"FIXME"}}`
	fmt.Printf("%s\n", sdk.Handle([]byte(initialize), nil))

	diagnostics := `{"method":"diagnostics","document":{"uri":"file:///a.go","languageId":"go","version":1}}`
	text := "package a\n\nvar x = 1 // FIXME: overflow\n"
	fmt.Printf("%s\n", sdk.Handle([]byte(diagnostics), []byte(text)))

	fmt.Printf("%s\n", sdk.Handle([]byte(`{"method":"rename"}`), nil))
	// Output:
	// {"result":{"name":"marker","version":"1.0.0","features":["diagnostics"],"keepsText":true}}
	// {"result":{"diagnostics":[{"start":24,"end":29,"severity":3,"message":"FIXME on line 3"}]}}
	// {"error":{"message":"unknown method \"rename\""}}
}

// Handle takes a request exactly as the host sends it: the request JSON
// (abi.Request) and the document's text beside it. Package sdk/sdktest
// wraps it for tests; use Handle directly to see the wire format.
func ExampleHandle() {
	// The host starts each instance with initialize and the settings.
	sdk.Handle([]byte(`{"method":"initialize","abiVersion":1,"settings":{"marker":"TODO"}}`), nil)

	request := `{"method":"diagnostics","document":{"uri":"file:///a.md","languageId":"markdown","version":2}}`
	fmt.Printf("%s\n", sdk.Handle([]byte(request), []byte("TODO: ünïcode\nTODO")))

	// A method without a handler is an error response, never a panic.
	fmt.Printf("%s\n", sdk.Handle([]byte(`{"method":"hover","document":{"uri":"file:///a.md"},"offset":1}`), nil))
	// Output:
	// {"result":{"diagnostics":[{"start":0,"end":4,"severity":3,"message":"TODO on line 1"},{"start":16,"end":20,"severity":3,"message":"TODO on line 2"}]}}
	// {"error":{"message":"method \"hover\" not implemented by this extension"}}
}
