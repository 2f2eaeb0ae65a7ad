#!/usr/bin/env node
// nsqjs-load: publish→deliver latency through one nsqd with the real nsqjs client (the Node.js side of issue 13's
// harness, the twin of gonsq-load). An nsqjs Writer publishes an MPUB of --batch messages every batch/rate seconds
// (writer.publish(topic, [batch])) and an nsqjs Reader (one nsqd, maxInFlight = --max-in-flight) finishes each message
// as it arrives: msg.finish(), one socket write per FIN.
// Usage: node tests/Benchmarks/nsqjs-load.js --rate=N [--nsqd-tcp-address=127.0.0.1:4150] [--topic=latency_bench]
//   [--channel=ch] [--batch=100] [--size=200] [--duration=10s] [--warmup=2s] [--max-in-flight=2500]
// Prints one line on stdout (diagnostics on stderr):
//   [latency] client=nsqjs rate=.. msgs=.. elapsed_s=.. p50_ms=.. p99_ms=.. p999_ms=.. max_ms=.. errors=..
// Exit 0 on success, 1 on a connection error, 2 on a usage error. Needs `npm ci` in tests/Compat.Tests/node.
'use strict'
const path = require('path')
const {performance} = require('perf_hooks')
const nsqjsDir = path.join(__dirname, '../Compat.Tests/node/node_modules/nsqjs')
let nsq
try {
  nsq = require(nsqjsDir)
} catch (err) {
  process.stderr.write(`nsqjs-load: nsqjs is not installed at ${nsqjsDir} (run npm ci in tests/Compat.Tests/node): ${err.message}\n`)
  process.exit(1)
}

function usage(msg) {
  process.stderr.write(`nsqjs-load: ${msg}\n`)
  process.exit(2)
}

// Go-style durations ("500ms", "5s", "1m30s") in milliseconds, as the Go load programs take them.
function parseDuration(s) {
  const units = {ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000}
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy
  let ms = 0
  let m
  let end = 0
  while ((m = re.exec(s)) !== null) {
    ms += parseFloat(m[1]) * units[m[2]]
    end = re.lastIndex
  }
  if (end !== s.length || s.length === 0) usage(`not a duration: ${s}`)
  return ms
}

const opts = {
  'nsqd-tcp-address': '127.0.0.1:4150',
  topic: 'latency_bench',
  channel: 'ch',
  rate: '',
  batch: '100',
  size: '200',
  duration: '10s',
  warmup: '2s',
  'max-in-flight': '2500',
}
for (const arg of process.argv.slice(2)) {
  const m = /^--?([^=]+)=(.*)$/.exec(arg)
  if (!m || !(m[1] in opts)) usage(`unknown argument: ${arg}`)
  opts[m[1]] = m[2]
}
const int = (name) => {
  const v = Number(opts[name])
  if (!Number.isInteger(v) || v <= 0) usage(`--${name} must be a positive integer (got "${opts[name]}")`)
  return v
}
const rate = int('rate')
const batch = int('batch')
const size = int('size')
const maxInFlight = int('max-in-flight')
const durationMs = parseDuration(opts.duration)
const warmupMs = parseDuration(opts.warmup)
if (size < 8) usage('--size must be at least 8 (the send time)')
if (durationMs <= 0) usage('--duration must be positive')
const addr = opts['nsqd-tcp-address']
const colon = addr.lastIndexOf(':')
const host = addr.slice(0, colon).replace(/^\[|\]$/g, '')
const port = Number(addr.slice(colon + 1))

// The clock: Unix time in nanoseconds as a double (0.25 µs steps at today's values), from the monotonic clock so it
// allocates nothing. The 8-byte big-endian stamp is written and read as two 32-bit halves, without BigInt.
const origin = performance.timeOrigin
const nowNs = () => (origin + performance.now()) * 1e6
const TWO32 = 4294967296
function stamp(buf, ns) {
  const hi = Math.floor(ns / TWO32)
  buf.writeUInt32BE(hi, 0)
  buf.writeUInt32BE(Math.floor(ns - hi * TWO32), 4)
}
const readStamp = (buf) => buf.readUInt32BE(0) * TWO32 + buf.readUInt32BE(4)

const intervalMs = (batch * 1000) / rate
const batchesInWindow = Math.ceil(durationMs / intervalMs)
// Latencies in ms, preallocated for the whole window: recording a delivery allocates nothing.
const lat = new Float64Array(batchesInWindow * batch + batch)
let delivered = 0 // deliveries sent in the window (redeliveries past lat's end are counted, not kept)
let published = 0 // messages published in the window
let errors = 0
let started = false
let windowStart = 0
let windowEnd = Infinity

function fail(msg) {
  process.stderr.write(`nsqjs-load: ${msg}\n`)
  process.exit(1)
}

const reader = new nsq.Reader(opts.topic, opts.channel, {nsqdTCPAddresses: [addr], maxInFlight})
const writer = new nsq.Writer(host, port)

reader.on('message', (msg) => {
  const now = nowNs()
  const body = msg.body
  if (body.length < 8) {
    errors++
  } else {
    const sent = readStamp(body)
    if (sent >= windowStart && sent < windowEnd) {
      if (delivered < lat.length) lat[delivered] = (now - sent) / 1e6
      delivered++
    }
  }
  msg.finish()
})
reader.on('error', (err) => {
  if (!started) fail(`reader: ${err.message || err}`)
  errors++
  process.stderr.write(`nsqjs-load: reader: ${err.message || err}\n`)
})
writer.on('error', (err) => {
  if (!started) fail(`writer: ${err.message || err}`)
  errors++
  process.stderr.write(`nsqjs-load: writer: ${err.message || err}\n`)
})

// Subscribe first (the channel then exists), then connect the writer, then publish.
reader.on('ready', () => writer.connect())
writer.on('ready', () => {
  if (!started) run()
})
reader.connect()

function run() {
  started = true
  // Bodies are allocated once and restamped per batch: nsqjs copies them into the MPUB frame when publish is called.
  const bodies = []
  for (let i = 0; i < batch; i++) bodies.push(Buffer.alloc(size, 'x'))
  const start = nowNs()
  windowStart = start + warmupMs * 1e6
  windowEnd = windowStart + durationMs * 1e6
  let lastSend = windowStart
  let k = 0 // the next batch; batch k is due at start + k·interval
  const onPublished = (err) => {
    if (err) {
      errors++
      process.stderr.write(`nsqjs-load: MPUB: ${err.message || err}\n`)
    }
  }
  // Sends every batch that is due (a late timer catches up, none skipped), then sleeps until the next one.
  const tick = () => {
    for (;;) {
      const due = start + k * intervalMs * 1e6
      if (due >= windowEnd) return finish(lastSend)
      const now = nowNs()
      if (due > now) return setTimeout(tick, Math.max(0, (due - now) / 1e6 - 0.5))
      for (const b of bodies) stamp(b, now)
      writer.publish(opts.topic, bodies, onPublished)
      if (now >= windowStart && now < windowEnd) {
        published += batch
        lastSend = now
      }
      k++
    }
  }
  tick()
}

function finish(lastSend) {
  // elapsed_s: from the start of the window to its last MPUB, the time over which msgs were sent.
  const elapsedS = lastSend > windowStart ? (lastSend - windowStart) / 1e9 : durationMs / 1000
  const deadline = nowNs() + 5e9
  const wait = () => {
    if (delivered < published && nowNs() < deadline) return setTimeout(wait, 5)
    if (delivered < published) {
      process.stderr.write(`nsqjs-load: ${published - delivered} of ${published} messages published in the window were not delivered within 5s\n`)
    }
    const sorted = lat.slice(0, Math.min(delivered, lat.length)).sort()
    const q = (p) => {
      if (sorted.length === 0) return 0
      const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p * sorted.length) - 1))
      return sorted[i]
    }
    const f = (x) => x.toFixed(3)
    process.stdout.write(`[latency] client=nsqjs rate=${rate} msgs=${delivered} elapsed_s=${f(elapsedS)} ` +
      `p50_ms=${f(q(0.5))} p99_ms=${f(q(0.99))} p999_ms=${f(q(0.999))} max_ms=${f(q(1))} errors=${errors}\n`)
    reader.close()
    writer.close()
    // nsqjs keeps timers (heartbeats, RDY) alive; the line is out, so leave once it is flushed.
    setTimeout(() => process.exit(0), 200).unref()
  }
  wait()
}
