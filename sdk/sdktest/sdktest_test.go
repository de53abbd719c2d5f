package sdktest_test

import (
	"testing"
	"unicode/utf16"

	"github.com/lsphost/lsphost/sdk/sdktest"
)

// TestPositionOffset checks both conversions against a count of UTF-16
// units, for every offset of texts mixing line ends and wide characters.
func TestPositionOffset(t *testing.T) {
	for _, text := range []string{"", "a", "ab\ncd", "a\r\nb\rc\n", "é😀x\n\n𝄞y", "\r\n\r\n"} {
		line, lineStart := 0, 0
		for offset := 0; offset <= len(text); offset++ {
			if offset > 0 {
				c := text[offset-1]
				if c == '\n' || c == '\r' && (offset == len(text) || text[offset] != '\n') {
					line, lineStart = line+1, offset
				}
			}
			if offset < len(text) && (text[offset]&0xC0) == 0x80 {
				continue // inside a character
			}
			if offset > 0 && offset < len(text) && text[offset-1] == '\r' && text[offset] == '\n' {
				continue // between \r and \n
			}
			want := len(utf16.Encode([]rune(text[lineStart:offset])))
			l, c := sdktest.Position(text, offset)
			if l != line || c != want {
				t.Errorf("Position(%q, %d) = %d:%d, want %d:%d", text, offset, l, c, line, want)
			}
			if got := sdktest.Offset(text, l, c); got != offset {
				t.Errorf("Offset(%q, %d, %d) = %d, want %d", text, l, c, got, offset)
			}
		}
	}
	if got := sdktest.Offset("ab\ncd", 0, 99); got != 2 {
		t.Errorf("Offset past the end of a line = %d, want 2", got)
	}
	if got := sdktest.Offset("ab\ncd", 9, 0); got != 5 {
		t.Errorf("Offset past the last line = %d, want 5", got)
	}
}

func TestDocAtPanicsWithoutOneMarker(t *testing.T) {
	for _, text := range []string{"none", "two ^ ^"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("DocAt(%q) did not panic", text)
				}
			}()
			sdktest.DocAt("go", text)
		}()
	}
}

func TestHandlerErrorFailsTheTest(t *testing.T) {
	ext := sdktest.Start(t, nil)
	if err := ext.Call("format", &sdktest.Document{}, map[string]int{"tabSize": 4}, nil); err == nil {
		t.Error("Call of a method the extension lacks: no error")
	}
}
