package extensions

import (
	"context"
	"testing"
	"time"
)

func TestDeadline(t *testing.T) {
	d := newDeadline(nil)
	defer d.stop()
	for range 3 { // reused while it does not fire
		ctx := d.arm(time.Hour)
		if !d.disarm() || ctx.Err() != nil {
			t.Fatalf("disarm before the deadline = false or Err = %v, want true and nil", ctx.Err())
		}
		select {
		case <-ctx.Done():
			t.Fatal("Done closed before the deadline")
		default:
		}
	}
	ctx := d.arm(time.Millisecond)
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done not closed after the deadline")
	}
	if ctx.Err() != context.DeadlineExceeded || d.disarm() {
		t.Errorf("after the deadline Err = %v and disarm = true, want DeadlineExceeded and false", ctx.Err())
	}
}

func TestNoopGuest(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("noop", noopWasm()))
	if !ext.Has("diagnostics") || !ext.Has("completion") {
		t.Errorf("noop declares %v, want diagnostics and completion", ext.Declaration().Features)
	}
	for range 3 {
		diags, err := ext.Diagnostics(testContext(t), doc("TODO"))
		if err != nil || len(diags) != 0 {
			t.Errorf("Diagnostics = %v, %v; want none", diags, err)
		}
		list, err := ext.Completion(testContext(t), doc("TODO"), 2, "")
		if err != nil || len(list.Items) != 0 {
			t.Errorf("Completion = %v, %v; want none", list, err)
		}
	}
	// A document larger than its fixed buffer makes it grow memory.
	if _, err := ext.Diagnostics(testContext(t), Document{URI: "file:///w/big", Text: sizedText(1 << 20)}); err != nil {
		t.Errorf("Diagnostics on 1 MiB = %v", err)
	}
}
