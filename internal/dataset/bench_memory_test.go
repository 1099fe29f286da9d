package dataset

import (
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// The writer's memory per row, as issue 8 asks for it: the bytes and
// objects it allocates, and the peak of the heap while it runs over the
// heap holding the table, all divided by the rows.
//
//	go test -run XXX -bench ParquetWriterMemory -benchtime 3x ./internal/dataset/

// heapPeak samples the heap's live and not yet collected objects until
// stop is called, and returns the highest figure seen.
func heapPeak() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var (
		peak uint64
		wg   sync.WaitGroup
	)
	done := make(chan struct{})
	read := func() {
		metrics.Read(sample)
		peak = max(peak, sample[0].Value.Uint64())
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		read()
		return peak
	}
}

func heapNow() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

func BenchmarkParquetWriterMemory(b *testing.B) {
	for _, rows := range []int{625_000, 2_000_000} {
		b.Run(fmt.Sprint(rows), func(b *testing.B) {
			t := syntheticTable(rows)
			if t.Len() != rows {
				b.Fatalf("synthetic data has %d rows, want %d", t.Len(), rows)
			}
			var peak uint64
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				base := heapNow()
				stop := heapPeak()
				b.StartTimer()
				if err := WriteParquet(io.Discard, t); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				peak = max(peak, stop()-base)
				b.StartTimer()
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(peak)/float64(rows), "peak-B/row")
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
