package extensions

import (
	"context"
	"sync/atomic"
	"time"
)

// deadline is the context of an instance's calls. Its Done channel closes
// when a call overruns its timeout, and WithCloseOnContextDone then stops the
// guest and closes the instance, which is never called again. So one deadline
// serves every call of its instance: arming it costs a timer reset, where
// context.WithTimeout costs a context, a timer and a channel per call. See
// RATIONALE.md ("Why one deadline per instance?").
//
// A deadline carries one value, the extension the instance belongs to
// (callerOf), and does not follow the caller's cancellation: see "Why do
// call deadlines not follow the request's cancellation?".
type deadline struct {
	done  chan struct{}
	fired atomic.Bool
	timer *time.Timer
	ext   *Extension
}

func newDeadline(ext *Extension) *deadline {
	d := &deadline{done: make(chan struct{}), ext: ext}
	d.timer = time.AfterFunc(time.Hour, d.fire)
	d.timer.Stop()
	return d
}

func (d *deadline) fire() {
	if d.fired.CompareAndSwap(false, true) {
		close(d.done)
	}
}

// arm starts the clock for one call and returns the call's context.
func (d *deadline) arm(timeout time.Duration) context.Context {
	d.timer.Reset(timeout)
	return d
}

// disarm stops the clock after a call. It reports false when the deadline
// fired: the instance may be closed, whatever the call returned.
func (d *deadline) disarm() bool {
	return d.timer.Stop() && !d.fired.Load()
}

// stop releases the timer of a closed instance.
func (d *deadline) stop() { d.timer.Stop() }

func (d *deadline) Deadline() (time.Time, bool) { return time.Time{}, false }
func (d *deadline) Done() <-chan struct{}       { return d.done }

func (d *deadline) Value(key any) any {
	if key == (callerKey{}) && d.ext != nil {
		return d.ext
	}
	return nil
}

func (d *deadline) Err() error {
	if d.fired.Load() {
		return context.DeadlineExceeded
	}
	return nil
}
