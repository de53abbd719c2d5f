// Package cputime reports the CPU time a benchmark's process spends per
// operation. On a shared machine wall time per operation grows with the load
// of other processes, while CPU time stays close to what the operation costs;
// benchmarks report both.
package cputime

import "testing"

// Report adds a "cpu-ns/op" metric to b: call it before the benchmark loop
// and call the function it returns after it. The CPU time is the process's
// (user and system, every thread), so it includes the garbage collector and
// any goroutine the operation starts.
func Report(b *testing.B) (stop func()) {
	start, ok := now()
	return func() {
		end, _ := now()
		if ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
