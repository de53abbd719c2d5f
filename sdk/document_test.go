package sdk

import (
	"testing"
)

func TestLineCol(t *testing.T) {
	doc := &Document{Text: "ab\ncd\r\nef\rg\n"}
	tests := []struct{ offset, line, col int }{
		{-1, 0, 0},
		{0, 0, 0},
		{2, 0, 2}, // at "\n"
		{3, 1, 0},
		{5, 1, 2}, // at "\r" of "\r\n"
		{7, 2, 0},
		{9, 2, 2}, // at a lone "\r"
		{10, 3, 0},
		{11, 3, 1},
		{12, 4, 0}, // end of text, after the final "\n"
		{99, 4, 0},
	}
	for _, tt := range tests {
		if line, col := doc.LineCol(tt.offset); line != tt.line || col != tt.col {
			t.Errorf("LineCol(%d) = %d, %d, want %d, %d", tt.offset, line, col, tt.line, tt.col)
		}
	}
}

func TestOffset(t *testing.T) {
	doc := &Document{Text: "ab\ncd\r\nef\rg\n"}
	tests := []struct{ line, col, want int }{
		{0, 0, 0},
		{0, 1, 1},
		{0, 9, 2}, // past the end of the line: before its "\n"
		{1, 2, 5},
		{1, 9, 5}, // before "\r\n"
		{2, 9, 9}, // before a lone "\r"
		{3, 1, 11},
		{4, 0, 12},
		{4, 5, 12},
		{5, 0, 12},
		{-1, 3, 0},
		{1, -4, 3},
	}
	for _, tt := range tests {
		if got := doc.Offset(tt.line, tt.col); got != tt.want {
			t.Errorf("Offset(%d, %d) = %d, want %d", tt.line, tt.col, got, tt.want)
		}
	}
}

func TestLineColEmpty(t *testing.T) {
	doc := &Document{}
	if line, col := doc.LineCol(3); line != 0 || col != 0 {
		t.Errorf("LineCol(3) = %d, %d on empty text, want 0, 0", line, col)
	}
	if got := doc.Offset(2, 2); got != 0 {
		t.Errorf("Offset(2, 2) = %d on empty text, want 0", got)
	}
}

// TestLineColTextChanged checks that the cached line index follows Text.
func TestLineColTextChanged(t *testing.T) {
	doc := &Document{Text: "a\nb\nc"}
	if line, _ := doc.LineCol(4); line != 2 {
		t.Fatalf("LineCol(4) = line %d, want 2", line)
	}
	doc.Text = "abcd\ne"
	if line, col := doc.LineCol(4); line != 0 || col != 4 {
		t.Errorf("after changing Text, LineCol(4) = %d, %d, want 0, 4", line, col)
	}
}

// FuzzLineColRoundTrip checks that Offset inverts LineCol at every offset
// that is not between the "\r" and "\n" of a line break, and that LineCol
// counts lines like a direct scan.
func FuzzLineColRoundTrip(f *testing.F) {
	f.Add("ab\ncd\r\nef\rg\n")
	f.Add("")
	f.Add("\r\r\n\n\r")
	f.Add("héllo\nwörld")
	f.Fuzz(func(t *testing.T, text string) {
		doc := &Document{Text: text}
		line, col := 0, 0
		for o := 0; o <= len(text); o++ {
			inCRLF := o > 0 && text[o-1] == '\r' && o < len(text) && text[o] == '\n'
			if !inCRLF {
				if l, c := doc.LineCol(o); l != line || c != col {
					t.Fatalf("LineCol(%d) = %d, %d, want %d, %d", o, l, c, line, col)
				}
				if got := doc.Offset(line, col); got != o {
					t.Fatalf("Offset(LineCol(%d)) = %d", o, got)
				}
			}
			if o == len(text) {
				break
			}
			switch {
			case text[o] == '\n', text[o] == '\r' && (o+1 == len(text) || text[o+1] != '\n'):
				line, col = line+1, 0
			default:
				col++
			}
		}
	})
}

func BenchmarkLineCol(b *testing.B) {
	text := make([]byte, 0, 1<<20)
	for len(text) < 1<<20 {
		text = append(text, "    value := compute(alpha, beta, gamma) // a typical line of code\n"...)
	}
	doc := &Document{Text: string(text)}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		doc.LineCol(i * 4099 % len(text))
	}
}
