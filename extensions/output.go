package extensions

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lsphost/lsphost/abi"
)

// Everything an extension returns is hostile input. These functions turn a
// response into values the server can use as they are: decoded, bounded,
// clamped to the document and valid UTF-8. FuzzGuestOutput checks them.

// decodeResponse decodes a response envelope; its result goes into out.
// encoding/json replaces invalid UTF-8 in strings with U+FFFD.
func decodeResponse(data []byte, method string, out any) error {
	switch r := out.(type) {
	case *abi.DiagnosticsResult:
		if decodeDiagnosticsFast(data, r) {
			return nil
		}
	case *abi.CompletionResult:
		if decodeCompletionFast(data, r) {
			return nil
		}
	}
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *abi.Error      `json:"error"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return fmt.Errorf("invalid response: %w", err)
	}
	if resp.Error != nil {
		return &GuestError{Message: capString(strings.ToValidUTF8(resp.Error.Message, "\uFFFD"))}
	}
	if len(resp.Result) == 0 {
		return errors.New(`invalid response: neither "result" nor "error"`)
	}
	if err := json.Unmarshal(resp.Result, out); err != nil {
		return fmt.Errorf("invalid %s result: %w", method, err)
	}
	return nil
}

// sanitizeDiagnostics caps the count, clamps ranges to a text of n bytes,
// fixes unknown severities and caps strings.
func sanitizeDiagnostics(diags []abi.Diagnostic, n int) []abi.Diagnostic {
	out := diags[:min(len(diags), maxItems)]
	for i := range out {
		d := &out[i]
		d.Start, d.End = clampRange(d.Start, d.End, n)
		if d.Severity < abi.SeverityError || d.Severity > abi.SeverityHint {
			d.Severity = abi.SeverityError
		}
		d.Message = capString(d.Message)
		d.Code = capString(d.Code)
	}
	return out
}

// sanitizeCompletion caps the count (marking the list incomplete), drops
// items without a label, clamps edit ranges, fixes unknown kinds and formats
// and caps strings.
func sanitizeCompletion(res abi.CompletionResult, n int) abi.CompletionResult {
	if len(res.Items) > maxItems {
		res.Items, res.IsIncomplete = res.Items[:maxItems], true
	}
	items := res.Items[:0]
	for _, it := range res.Items {
		if it.Label == "" {
			continue // LSP requires a label
		}
		it.Label, it.Detail, it.Documentation = capString(it.Label), capString(it.Detail), capString(it.Documentation)
		it.InsertText, it.FilterText, it.SortText = capString(it.InsertText), capString(it.FilterText), capString(it.SortText)
		if it.Kind < 1 || it.Kind > 25 {
			it.Kind = 0
		}
		if it.InsertTextFormat != abi.Snippet {
			it.InsertTextFormat = 0
		}
		if it.Edit != nil {
			it.Edit.Start, it.Edit.End = clampRange(it.Edit.Start, it.Edit.End, n)
			it.Edit.NewText = capString(it.Edit.NewText)
		}
		items = append(items, it)
	}
	res.Items = items
	return res
}

func clampRange(start, end, n int) (int, int) {
	start, end = max(0, min(start, n)), max(0, min(end, n))
	if end < start {
		end = start
	}
	return start, end
}

// capString truncates s to maxStringBytes on a rune boundary.
func capString(s string) string {
	if len(s) <= maxStringBytes {
		return s
	}
	i := maxStringBytes
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
