// Command gonsq-load measures publish→deliver latency through one nsqd with the real go-nsq client: a go-nsq Producer
// publishes an MPUB of --batch messages every batch/rate seconds (MultiPublish from one goroutine) and a go-nsq Consumer
// (one nsqd, MaxInFlight = --max-in-flight) handles each message and returns nil, so go-nsq FINs it at once with one
// write+flush per FIN — the client write pattern the benchmark harness wants to measure against the broker.
//
// It prints one line on stdout (the shared format of issue 13's real-client load programs); diagnostics go to stderr:
//
//	[latency] client=go-nsq rate=20000 msgs=100000 elapsed_s=5.000 p50_ms=0.412 p99_ms=1.204 p999_ms=2.310 max_ms=4.001 errors=0
//
// Exit 0 on success, 1 on a connection error, 2 on a usage error.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"os"
	"sort"
	"sync/atomic"
	"time"

	"github.com/nsqio/go-nsq"
)

func main() {
	addr := flag.String("nsqd-tcp-address", "127.0.0.1:4150", "nsqd TCP address")
	topic := flag.String("topic", "latency_bench", "topic to publish to and consume from")
	channel := flag.String("channel", "ch", "channel to consume from")
	rate := flag.Int("rate", 0, "target messages per second (required)")
	batch := flag.Int("batch", 100, "messages per MPUB")
	size := flag.Int("size", 200, "message body bytes (at least 8: the send time)")
	duration := flag.Duration("duration", 10*time.Second, "measured window")
	warmup := flag.Duration("warmup", 2*time.Second, "publishing before the window, not counted")
	maxInFlight := flag.Int("max-in-flight", 2500, "consumer MaxInFlight (its RDY on the one connection)")
	flag.Parse()
	if *rate <= 0 || *batch <= 0 || *size < 8 || *duration <= 0 || *warmup < 0 || *maxInFlight <= 0 {
		fmt.Fprintln(os.Stderr, "gonsq-load: --rate is required; --rate, --batch, --duration and --max-in-flight must be positive, --size at least 8")
		os.Exit(2)
	}

	// go-nsq logs every connection at Info; only warnings and errors are worth seeing, and only on stderr.
	logger := log.New(os.Stderr, "gonsq-load: ", log.LstdFlags)
	cfg := nsq.NewConfig()
	cfg.MaxInFlight = *maxInFlight

	// The interval between MPUBs; the window is [start+warmup, start+warmup+duration) in send time.
	interval := time.Duration(int64(*batch) * int64(time.Second) / int64(*rate))
	if interval <= 0 {
		interval = 1
	}
	batchesInWindow := int64((*duration + interval - 1) / interval)
	rec := newRecorder(int(batchesInWindow)*(*batch) + *batch)

	consumer, err := nsq.NewConsumer(*topic, *channel, cfg)
	if err != nil {
		fail(2, "consumer: %v", err)
	}
	consumer.SetLogger(logger, nsq.LogLevelWarning)
	consumer.AddHandler(rec) // one handler goroutine: the recorder needs no lock
	// Subscribing first creates the channel, so no message published below is missed.
	if err := consumer.ConnectToNSQD(*addr); err != nil {
		fail(1, "connect consumer to %s: %v", *addr, err)
	}

	producer, err := nsq.NewProducer(*addr, cfg)
	if err != nil {
		fail(2, "producer: %v", err)
	}
	producer.SetLogger(logger, nsq.LogLevelWarning)
	if err := producer.Ping(); err != nil {
		fail(1, "connect producer to %s: %v", *addr, err)
	}

	// The bodies are allocated once and restamped per batch: MultiPublish waits for nsqd's answer, so they are free again
	// when it returns.
	bodies := make([][]byte, *batch)
	for i := range bodies {
		bodies[i] = make([]byte, *size)
		for j := 8; j < *size; j++ {
			bodies[i][j] = 'x'
		}
	}

	start := time.Now()
	windowStart := start.Add(*warmup)
	windowEnd := windowStart.Add(*duration)
	ws, we := windowStart.UnixNano(), windowEnd.UnixNano()
	rec.window(ws, we)
	var published int64 // messages published whose send time lies in the window
	var pubErrors int64
	lastSend := windowStart
	// Batch k is due at start + k·interval; a late batch is sent at once (catching up, none skipped) and publishing
	// ends with the last batch due before the end of the window.
	for k := int64(0); ; k++ {
		due := start.Add(time.Duration(k) * interval)
		if !due.Before(windowEnd) {
			break
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		now := time.Now()
		stamp := uint64(now.UnixNano())
		for _, b := range bodies {
			binary.BigEndian.PutUint64(b, stamp)
		}
		if err := producer.MultiPublish(*topic, bodies); err != nil {
			pubErrors++
			logger.Printf("MPUB: %v", err)
			continue
		}
		// In-window by the stamped wall-clock value, as the handler judges it (time.Time comparisons would use the
		// monotonic reading, and a clock adjustment would then move a batch across the boundary for one side only).
		if int64(stamp) >= ws && int64(stamp) < we {
			published += int64(*batch)
			lastSend = now
		}
	}
	// elapsed_s: from the start of the window to its last MPUB, the time over which msgs were sent.
	elapsed := lastSend.Sub(windowStart)
	if elapsed <= 0 {
		elapsed = *duration
	}

	// Up to 5 s for the deliveries still on their way.
	deadline := time.Now().Add(5 * time.Second)
	for rec.delivered() < published && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	msgs, lat := rec.snapshot()
	errors := pubErrors + atomic.LoadInt64(&rec.errors)
	// Messages not delivered in time are not errors: msgs falls short of rate×duration and the harness sees it.
	if missing := published - msgs; missing > 0 {
		logger.Printf("%d of %d messages published in the window were not delivered within 5s", missing, published)
	}

	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("[latency] client=go-nsq rate=%d msgs=%d elapsed_s=%.3f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f errors=%d\n",
		*rate, msgs, elapsed.Seconds(), quantile(lat, 0.50), quantile(lat, 0.99), quantile(lat, 0.999),
		quantile(lat, 1), errors)

	producer.Stop()
	consumer.Stop()
	select { // a consumer left with unanswered messages may linger; the line is out, so don't wait on it for long
	case <-consumer.StopChan:
	case <-time.After(2 * time.Second):
	}
}

// recorder is the consumer's handler: it keeps the latency of each delivery sent in the window in a slice sized for the
// whole window up front, so handling a message allocates nothing. It runs on go-nsq's single handler goroutine; the
// count is published atomically after the slot is written, so the main goroutine may read the slots below it.
type recorder struct {
	lat        []int64 // nanoseconds, in arrival order
	count      int64   // deliveries in the window (may exceed len(lat) on redelivery; those are counted, not kept)
	errors     int64   // bodies too short to hold a send time
	start, end int64   // the window, Unix nanoseconds; set before the first publish
}

func newRecorder(capacity int) *recorder { return &recorder{lat: make([]int64, capacity)} }

func (r *recorder) window(start, end int64) {
	atomic.StoreInt64(&r.start, start)
	atomic.StoreInt64(&r.end, end)
}

// HandleMessage records the latency and returns nil: go-nsq then FINs the message at once.
func (r *recorder) HandleMessage(m *nsq.Message) error {
	now := time.Now().UnixNano()
	if len(m.Body) < 8 {
		atomic.AddInt64(&r.errors, 1)
		return nil
	}
	sent := int64(binary.BigEndian.Uint64(m.Body))
	if sent < atomic.LoadInt64(&r.start) || sent >= atomic.LoadInt64(&r.end) {
		return nil // warm-up (or a stray message on the topic)
	}
	n := atomic.LoadInt64(&r.count)
	if n < int64(len(r.lat)) {
		r.lat[n] = now - sent
	}
	atomic.StoreInt64(&r.count, n+1)
	return nil
}

func (r *recorder) delivered() int64 { return atomic.LoadInt64(&r.count) }

// snapshot returns the count and a copy of the latencies recorded so far (the handler may still be running).
func (r *recorder) snapshot() (int64, []int64) {
	n := r.delivered()
	kept := n
	if kept > int64(len(r.lat)) {
		kept = int64(len(r.lat))
	}
	return n, append([]int64(nil), r.lat[:kept]...)
}

// quantile of sorted nanoseconds, in milliseconds (nearest rank); 0 when there are none.
func quantile(sorted []int64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return float64(sorted[i]) / 1e6
}

func fail(code int, format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "gonsq-load: "+format+"\n", args...)
	os.Exit(code)
}
