package exttest

// NewLinesForTest exposes the many-offsets converter to the tests.
func NewLinesForTest(text string) func(int) Position { return newLines(text).position }

// HostTextForTest is the Text the harness hands the host for doc.
func (e *Ext) HostTextForTest(doc Document) any { return e.forHost(doc).Text }
