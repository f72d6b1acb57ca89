// Package bench holds gask's headline benchmarks and the scripts that run the same
// workloads on the peers (Dask, DuckDB, Polars) side by side.
//
// go test -bench . ./bench/... runs every benchmark at a small size;
// GASK_BENCH_FULL=1 selects the full sizes named in the issues.
package bench

import (
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// full reports whether GASK_BENCH_FULL selects the full benchmark sizes.
func full() bool { return os.Getenv("GASK_BENCH_FULL") != "" }

// peakSampler tracks the peak of live heap memory (objects plus unswept garbage, as
// the runtime counts it) while a benchmark runs, sampling every millisecond.
type peakSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func startPeak() *peakSampler {
	runtime.GC()
	p := &peakSampler{stop: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		s := []metrics.Sample{{Name: heapMetric}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			p.peak = max(p.peak, s[0].Value.Uint64())
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// Stop ends sampling and returns the peak in MiB.
func (p *peakSampler) Stop() float64 {
	close(p.stop)
	p.done.Wait()
	return float64(p.peak) / (1 << 20)
}
