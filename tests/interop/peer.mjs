// A js-libp2p 3.x peer for Stakecast's interop tests. Mirrors `stakecast-node p2p`: same flags (subset),
// same JSON-line events on stdout, exit status 0 only if everything asked for succeeded.
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { gossipsub } from '@libp2p/gossipsub'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'

const args = {
  listen: [], dial: [], echoProtocol: [], sinkProtocol: [], pingCount: 1, echoSize: 0, echoStreams: 1,
  topic: [], count: 1, interval: 0, publishSize: 0, minMesh: 1, meshTimeout: 10000, expectMessages: 0
}
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]
  const next = () => process.argv[++i]
  switch (a) {
    case '--listen': args.listen.push(next()); break
    case '--key': args.key = next(); break
    case '--dial': args.dial.push(next()); break
    case '--ping': args.ping = next(); break
    case '--ping-count': args.pingCount = Number(next()); break
    case '--echo-protocol': args.echoProtocol.push(next()); break
    case '--echo-to': args.echoTo = next(); break
    case '--echo-size': args.echoSize = Number(next()); break
    case '--echo-streams': args.echoStreams = Number(next()); break
    case '--sink-protocol': args.sinkProtocol.push(next()); break
    case '--duration': args.duration = Number(next()); break
    case '--monitor-interval': args.monitorInterval = Number(next()); break
    case '--exit-when-done': args.exitWhenDone = true; break
    case '--topic': args.topic.push(next()); break
    case '--publish': args.publish = next(); break
    case '--count': args.count = Number(next()); break
    case '--interval': args.interval = Number(next()); break
    case '--publish-size': args.publishSize = Number(next()); break
    case '--min-mesh': args.minMesh = Number(next()); break
    case '--mesh-timeout': args.meshTimeout = Number(next()); break
    case '--min-topic-peers': args.minTopicPeers = Number(next()); break
    case '--expect-messages': args.expectMessages = Number(next()); break
    case '--gossip-stats': args.gossipStats = true; break
    default: throw new Error(`unknown flag ${a}`)
  }
}

const print = (type, body) => process.stdout.write(JSON.stringify({ type, ...body }) + '\n')
let failed = false
const fail = (what) => { failed = true; print('error', { what }) }

const seed = args.key ? Uint8Array.from(Buffer.from(args.key, 'hex')) : randomBytes(32)
const node = await createLibp2p({
  privateKey: await generateKeyPairFromSeed('Ed25519', seed),
  addresses: { listen: args.listen.length ? args.listen : ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    // Loopback peers share one address: without the whitelist the IP-colocation penalty (more than 10
    // peers per address) would drive every score negative.
    // Topic scores on (js's defaults: P1 time in mesh, P2 first deliveries, P4 invalid messages) except the
    // mesh-delivery rate terms P3/P3b, which need more traffic than a short test has.
    ...(args.topic.length
      ? {
          pubsub: gossipsub({
            scoreParams: {
              IPColocationFactorWhitelist: new Set(['127.0.0.1']),
              topics: Object.fromEntries(args.topic.map((t) => [t, { meshMessageDeliveriesWeight: 0, meshFailurePenaltyWeight: 0 }]))
            }
          })
        }
      : {})
  },
  // js-libp2p rate-limits inbound connections per address (5/s by default): loopback meshes dial faster.
  connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 100 },
  connectionMonitor: args.monitorInterval ? { pingInterval: args.monitorInterval } : {}
})

node.addEventListener('connection:open', (e) => {
  const c = e.detail
  print('connected', { peer: c.remotePeer.toString(), addr: c.remoteAddr.toString(), direction: c.direction })
})
node.addEventListener('connection:close', (e) => print('disconnected', { peer: e.detail.remotePeer.toString() }))
node.addEventListener('peer:identify', (e) => {
  const d = e.detail
  print('identify', {
    peer: d.peerId.toString(),
    protocols: d.protocols,
    agentVersion: d.agentVersion,
    listenAddrs: d.listenAddrs.map((a) => a.toString())
  })
})

async function sendAll (stream, data) {
  for (let off = 0; off < data.length; off += 65536) {
    if (!stream.send(data.subarray(off, off + 65536))) await stream.onDrain()
  }
}

for (const p of args.echoProtocol) {
  await node.handle(p, async (stream) => {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) await stream.onDrain()
    }
    await stream.close()
  }, { maxInboundStreams: 256 })  // the default of 32 per protocol is below the tests' 64 concurrent streams
}
for (const p of args.sinkProtocol) {
  await node.handle(p, async (stream, connection) => {
    const hash = createHash('sha256')
    let bytes = 0
    for await (const chunk of stream) {
      const b = chunk.subarray()
      hash.update(b)
      bytes += b.length
    }
    print('sink', { peer: connection.remotePeer.toString(), bytes, sha256: hash.digest('hex') })
    await stream.close()
  })
}

print('listening', { peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map((a) => a.toString()) })

// gossipsub: same events as `stakecast-node p2p` (subscribed, message, published), plus the lowest score
// js gave each peer over the run and the IDONTWANT ids it received per peer (counted as they arrive).
let received = 0
const minScore = new Map()
const maxScore = new Map()
const idontwantFrom = new Map()
let gossipDone = Promise.resolve()
let scoreTimer
if (args.topic.length) {
  const ps = node.services.pubsub
  const handleIdontwant = ps.handleIdontwant.bind(ps)
  ps.handleIdontwant = (id, list) => {
    let n = 0
    for (const e of list) n += e.messageIDs.length
    idontwantFrom.set(id, (idontwantFrom.get(id) ?? 0) + n)
    return handleIdontwant(id, list)
  }
  ps.addEventListener('message', (evt) => {
    const m = evt.detail
    if (!args.topic.includes(m.topic)) return
    const data = m.data
    print('message', {
      topic: m.topic,
      from: m.type === 'signed' ? m.from.toString() : '',
      seqno: m.type === 'signed' ? m.sequenceNumber.toString() : '',
      data_len: data.length,
      ...(data.length <= 1024 ? { data_hex: Buffer.from(data).toString('hex') } : {})
    })
    received++
  })
  for (const t of args.topic) {
    ps.subscribe(t)
    print('subscribed', { topic: t })
  }
  scoreTimer = setInterval(() => {
    for (const p of ps.getPeers()) {
      const id = p.toString()
      const s = ps.getScore(id)
      if (!minScore.has(id) || s < minScore.get(id)) minScore.set(id, s)
      if (!maxScore.has(id) || s > maxScore.get(id)) maxScore.set(id, s)
    }
  }, 100)
  if (args.publish !== undefined) {
    gossipDone = (async () => {
      const topic = args.topic[0]
      const text = args.publish.startsWith('@') ? readFileSync(args.publish.slice(1)) : Buffer.from(args.publish)
      let data = text
      if (args.publishSize > 0) {
        data = Buffer.alloc(args.publishSize)
        for (let i = 0; i < data.length; i++) data[i] = text.length ? text[i % text.length] : 0
      }
      const start = Date.now()
      const ready = () => ps.getMeshPeers(topic).length >= args.minMesh &&
        ps.getSubscribers(topic).length >= (args.minTopicPeers ?? 0)
      while (!ready() && Date.now() - start < args.meshTimeout) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      for (let i = 0; i < args.count; i++) {
        try {
          const r = await ps.publish(topic, data)
          print('published', { topic, recipients: r.recipients.length, data_len: data.length })
        } catch (err) { fail(`publish: ${err.message}`) }
        if (args.interval) await new Promise((resolve) => setTimeout(resolve, args.interval))
      }
      await new Promise((resolve) => setTimeout(resolve, 1000))  // let IWANTs be answered
    })()
  }
}
const gossipStats = () => {
  if (!args.gossipStats) return
  print('gossip_stats', {
    min_score: Object.fromEntries(minScore),
    max_score: Object.fromEntries(maxScore),
    idontwant_received: Object.fromEntries(idontwantFrom)
  })
}

const tasks = []
for (const d of args.dial) {
  tasks.push(node.dial(multiaddr(d)).catch((err) => fail(`dial ${d}: ${err.message}`)))
}
if (args.ping) {
  tasks.push((async () => {
    try {
      const ma = multiaddr(args.ping)
      for (let i = 0; i < args.pingCount; i++) {
        const rtt = await node.services.ping.ping(ma)
        print('ping', { peer: ma.getComponents().find((c) => c.name === 'p2p')?.value, rtt_ms: rtt })
      }
    } catch (err) { fail(`ping: ${err.message}`) }
  })())
}
if (args.echoTo) {
  const ma = multiaddr(args.echoTo)
  for (let s = 0; s < args.echoStreams; s++) {
    tasks.push((async () => {
      try {
        const stream = await node.dialProtocol(ma, args.echoProtocol[0])
        const data = randomBytes(args.echoSize)
        const reading = (async () => {
          const parts = []
          for await (const chunk of stream) parts.push(Buffer.from(chunk.subarray()))
          return Buffer.concat(parts)
        })()
        await sendAll(stream, data)
        await stream.close()
        const back = await reading
        const ok = back.equals(data)
        if (!ok) failed = true
        print('echo', { peer: ma.getComponents().find((c) => c.name === 'p2p')?.value, bytes: back.length, ok })
      } catch (err) { fail(`echo: ${err.message}`) }
    })())
  }
}

const finish = async () => {
  if (received < args.expectMessages) fail(`received ${received} of ${args.expectMessages} messages`)
  if (scoreTimer) clearInterval(scoreTimer)
  gossipStats()
  print('stopping', {})
  await node.stop()
  process.exit(failed ? 1 : 0)
}
if (args.duration) setTimeout(finish, args.duration * 1000)
if (args.exitWhenDone) {
  await Promise.all(tasks)
  await gossipDone
  while (received < args.expectMessages) await new Promise((resolve) => setTimeout(resolve, 20))
  await finish()
}
