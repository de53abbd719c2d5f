package exttest

// NewLinesForTest exposes the many-offsets converter to the tests.
func NewLinesForTest(text string) func(int) Position { return newLines(text).position }
