// Drives an nsqd with the real nsqjs 0.13.0 client; prints one JSON line with what happened.
//
//   node compat.js <tcp-port> <mode> <n> [action] [topic]
//   node compat.js <lookupd-http-port> <mode> <n> lookup-consume <topic>
//
// mode:   plain | snappy | deflate | tls | tls+snappy | tls+deflate   (how nsqjs connects)
// action: roundtrip (default) — a Reader subscribes, a Writer publishes n messages (half PUB, half MPUB), the Reader
//                               consumes until it has n, then waits a little for duplicates;
//         publish             — a Writer publishes n messages and exits;
//         consume             — a Reader consumes n messages and exits;
//         requeue             — a Reader (max in flight 1) REQs every message it gets (no delay, no backoff)
//                               until it has had n deliveries, then waits a little for more and exits;
//         lookup-consume      — the first argument is an nsqlookupd HTTP port: a Reader discovers the nsqds that
//                               have the topic through lookupdHTTPAddresses (polled every second), consumes n messages
//                               from all of them and exits. "nsqds" in the output lists the nsqds it connected to.
// Output: {"mode","action","topic","published","received":[bodies in arrival order],"attempts":[..],
//          "negotiated":{tls_v1,snappy,deflate,compressed} (the Writer's connection),"errors":[..]}
// Exit code 0 when the action completed, 2 on timeout, 1 on a client error.
'use strict'

const nsq = require('nsqjs')

const [port, mode = 'plain', nText = '100', action = 'roundtrip', topicArg] = process.argv.slice(2)
if (!port) {
  console.error('usage: node compat.js <tcp-port|lookupd-http-port> <mode> <n> [roundtrip|publish|consume|requeue|lookup-consume] [topic]')
  process.exit(64)
}
const n = parseInt(nText, 10)
const topic = topicArg || `compat_${mode.replace(/[^a-z]/g, '_')}`
const channel = 'nsqjs'
const parts = mode.split('+')
const options = {
  snappy: parts.includes('snappy'),
  deflate: parts.includes('deflate'),
  tls: parts.includes('tls'),
  tlsVerification: false,
  clientId: `compat-${mode}`,
}

const result = { mode, action, topic, published: 0, received: [], attempts: [], negotiated: null, nsqds: [], errors: [] }
let finished = false
let reader = null
let writer = null

function finish(code) {
  if (finished) return
  finished = true
  try { if (reader) reader.close() } catch (e) { result.errors.push(`reader close: ${e}`) }
  try { if (writer) writer.close() } catch (e) { result.errors.push(`writer close: ${e}`) }
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(code))
}

const timeout = setTimeout(() => {
  result.errors.push('timeout')
  finish(2)
}, 60000)
timeout.unref()

function startReader(onReady, viaLookupd) {
  // Either a fixed nsqd, or discovery: nsqjs queries /lookup?topic= on the lookupd and connects to every producer.
  const source = viaLookupd
    ? { lookupdHTTPAddresses: [`127.0.0.1:${port}`] }
    : { nsqdTCPAddresses: [`127.0.0.1:${port}`] }
  reader = new nsq.Reader(topic, channel, Object.assign(source, {
    maxInFlight: action === 'requeue' ? 1 : 50,
    lookupdPollInterval: 1,
  }, options))
  reader.on(nsq.Reader.ERROR, (err) => result.errors.push(`reader: ${err && err.message ? err.message : err}`))
  reader.on(nsq.Reader.NSQD_CONNECTED, (host, p) => result.nsqds.push(`${host}:${p}`))
  reader.on(nsq.Reader.MESSAGE, (msg) => {
    result.received.push(msg.body.toString())
    result.attempts.push(msg.attempts)
    if (action === 'requeue') msg.requeue(0, false)
    else msg.finish()
    if (result.received.length === n) {
      // Stay a moment longer: a duplicate delivery would show up here.
      setTimeout(() => finish(0), 750)
    }
  })
  let started = false
  reader.on(nsq.Reader.READY, () => {
    if (!started) {
      started = true
      if (onReady) onReady()
    }
  })
  reader.connect()
}

function publishAll(done) {
  writer = new nsq.Writer('127.0.0.1', parseInt(port, 10), options)
  writer.on(nsq.Writer.ERROR, (err) => {
    result.errors.push(`writer: ${err && err.message ? err.message : err}`)
    finish(1)
  })
  writer.on(nsq.Writer.READY, async () => {
    // What the server's IDENTIFY response granted this connection (and whether nsqjs put a decompressor on it).
    const sm = writer.conn && writer.conn.statemachine
    const ir = (sm && sm.identifyResponse) || {}
    result.negotiated = { tls_v1: !!ir.tls_v1, snappy: !!ir.snappy, deflate: !!ir.deflate, compressed: !!writer.conn.inflater }
    const body = (i) => `${mode}-${i}`
    const pub = (msgs) => new Promise((resolve, reject) => {
      writer.publish(topic, msgs, (err) => (err ? reject(err) : resolve()))
    })
    try {
      const half = Math.floor(n / 2)
      for (let i = 0; i < half; i++) {
        await pub(body(i)) // PUB
        result.published++
      }
      for (let i = half; i < n; i += 25) {
        const batch = []
        for (let j = i; j < Math.min(n, i + 25); j++) batch.push(body(j))
        await pub(batch) // MPUB
        result.published += batch.length
      }
      done()
    } catch (err) {
      result.errors.push(`publish: ${err && err.message ? err.message : err}`)
      finish(1)
    }
  })
  writer.connect()
}

switch (action) {
  case 'roundtrip':
    startReader(() => publishAll(() => {}))
    break
  case 'publish':
    publishAll(() => finish(0))
    break
  case 'consume':
  case 'requeue':
    startReader(null)
    break
  case 'lookup-consume':
    startReader(null, true)
    break
  default:
    console.error(`unknown action ${action}`)
    process.exit(64)
}
