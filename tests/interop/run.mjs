// Interop tests: stakecast-node (C++) against our js-libp2p 3.x peer (peer.mjs), both dial directions.
// Usage: node run.mjs <path to stakecast-node>. Exit status 0 only if every check passed.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const cpp = process.argv[2]
const here = dirname(fileURLToPath(import.meta.url))
const node = process.execPath
let failures = 0
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
  if (!ok) failures++
}

// Starts a peer; resolves with { events, done, proc } where done resolves to the exit status.
function start (cmd, args, label) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const events = []
  const waiters = []
  createInterface({ input: proc.stdout }).on('line', (line) => {
    let ev
    try { ev = JSON.parse(line) } catch { console.log(`${label} non-JSON: ${line}`); return }
    events.push(ev)
    for (const w of [...waiters]) if (w.pred(ev)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(ev) }
  })
  proc.stderr.on('data', (d) => process.stderr.write(`[${label}] ${d}`))
  const done = new Promise((resolve) => proc.on('exit', (code) => resolve(code)))
  const waitFor = (pred, ms = 15000) => new Promise((resolve, reject) => {
    const found = events.find(pred)
    if (found) return resolve(found)
    const w = { pred, resolve }
    waiters.push(w)
    setTimeout(() => reject(new Error(`${label}: timed out waiting`)), ms).unref()
  })
  return { proc, events, done, waitFor }
}
const jsPeer = (args, label = 'js') => start(node, [join(here, 'peer.mjs'), ...args], label)
const cppPeer = (args, label = 'cpp') => start(cpp, ['p2p', ...args], label)
const count = (events, type, pred = () => true) => events.filter((e) => e.type === type && pred(e)).length

const SEED_JS = '02'.repeat(32)
const SEED_CPP = '01'.repeat(32)
const EIGHT_MIB = 8 * 1024 * 1024

async function cppDialsJs () {
  const js = jsPeer(['--key', SEED_JS, '--echo-protocol', '/echo/1.0.0', '--sink-protocol', '/sink/1.0.0', '--duration', '60'])
  const listening = await js.waitFor((e) => e.type === 'listening')
  const addr = listening.addrs[0]

  const c = cppPeer(['--ping', addr, '--ping-count', '3', '--echo-protocol', '/echo/1.0.0', '--echo-to', addr,
    '--echo-size', String(EIGHT_MIB), '--exit-when-done'])
  check(await c.done === 0, 'C++ dials js: exit status 0')
  check(count(c.events, 'ping') === 3, 'C++ dials js: 3 pings answered')
  check(count(c.events, 'echo', (e) => e.ok && e.bytes === EIGHT_MIB) === 1, 'C++ dials js: 8 MiB echoed over one stream')
  const idFromJs = c.events.find((e) => e.type === 'identify')
  check(idFromJs && idFromJs.peer === listening.peerId && idFromJs.agentVersion.startsWith('js-libp2p/') &&
    idFromJs.protocols.includes('/echo/1.0.0') && idFromJs.protocols.includes('/ipfs/ping/1.0.0') &&
    idFromJs.listenAddrs.length > 0, 'C++ dials js: identify from js has its peer id, agent, protocols, addresses')
  const cppId = c.events.find((e) => e.type === 'listening').peerId
  const idOfCpp = await js.waitFor((e) => e.type === 'identify' && e.peer === cppId).catch(() => null)
  check(idOfCpp && idOfCpp.agentVersion === 'stakecast/0.1.0' && idOfCpp.protocols.includes('/ipfs/id/1.0.0'),
    'C++ dials js: js identified the C++ node')

  const many = cppPeer(['--echo-protocol', '/echo/1.0.0', '--echo-to', addr, '--echo-size', '65536',
    '--echo-streams', '64', '--exit-when-done'], 'cpp64')
  check(await many.done === 0 && count(many.events, 'echo', (e) => e.ok) === 64, 'C++ dials js: 64 concurrent streams echoed')

  const wrong = cppPeer(['--dial', addr.replace(/p2p\/.*$/, 'p2p/12D3KooWRBhwfeP2Y4TCx1SM6s9rUoHhR5STiGwxBhgFRcw3UERE'),
    '--exit-when-done'], 'cpp-wrong')
  check(await wrong.done !== 0 && wrong.events.some((e) => e.type === 'error' && /not the one dialed/.test(e.what)),
    'C++ dials js with the wrong peer id: refused with a clear error')
  js.proc.kill()
}

async function jsDialsCpp () {
  const c = cppPeer(['--key', SEED_CPP, '--echo-protocol', '/echo/1.0.0', '--sink-protocol', '/sink/1.0.0', '--duration', '60'])
  const listening = await c.waitFor((e) => e.type === 'listening')
  const addr = listening.addrs[0]

  const js = jsPeer(['--ping', addr, '--ping-count', '3', '--echo-protocol', '/echo/1.0.0', '--echo-to', addr,
    '--echo-size', String(EIGHT_MIB), '--exit-when-done'])
  check(await js.done === 0, 'js dials C++: exit status 0')
  check(count(js.events, 'ping') === 3, 'js dials C++: 3 pings answered')
  check(count(js.events, 'echo', (e) => e.ok && e.bytes === EIGHT_MIB) === 1, 'js dials C++: 8 MiB echoed over one stream')
  const idOfCpp = js.events.find((e) => e.type === 'identify')
  check(idOfCpp && idOfCpp.peer === listening.peerId && idOfCpp.agentVersion === 'stakecast/0.1.0' &&
    idOfCpp.protocols.includes('/echo/1.0.0') && idOfCpp.listenAddrs.length > 0, 'js dials C++: identify from C++ is complete')
  const jsId = js.events.find((e) => e.type === 'listening').peerId
  check(c.events.some((e) => e.type === 'identify' && e.peer === jsId && e.agentVersion.startsWith('js-libp2p/')),
    'js dials C++: C++ identified the js node')

  const many = jsPeer(['--echo-protocol', '/echo/1.0.0', '--echo-to', addr, '--echo-size', '65536',
    '--echo-streams', '64', '--exit-when-done'], 'js64')
  check(await many.done === 0 && count(many.events, 'echo', (e) => e.ok) === 64, 'js dials C++: 64 concurrent streams echoed')

  // js's connection monitor pings every 500 ms here (10 s by default) and drops the connection on any
  // failure; staying connected for 3 s means each monitor ping and yamux keepalive was answered.
  const monitored = jsPeer(['--dial', addr, '--monitor-interval', '500', '--duration', '3'], 'js-monitor')
  const code = await monitored.done
  const stopAt = monitored.events.findIndex((e) => e.type === 'stopping')
  const dropAt = monitored.events.findIndex((e) => e.type === 'disconnected')
  check(code === 0 && count(monitored.events, 'connected') === 1 && stopAt >= 0 && (dropAt === -1 || dropAt > stopAt) &&
    !monitored.events.some((e) => e.type === 'error'), 'js connection monitor pings answered for 3 s')
  c.proc.kill()
}

// gossipsub: messages both ways with StrictSign between one C++ and one js node.
async function gossipPair () {
  const c = cppPeer(['--topic', 'interop', '--publish', 'from C++', '--count', '3', '--min-mesh', '1',
    '--mesh-timeout', '5000', '--expect-messages', '3', '--exit-when-done', '--gossip-stats'], 'cpp-gs')
  const addr = (await c.waitFor((e) => e.type === 'listening')).addrs[0]
  const cppId = c.events.find((e) => e.type === 'listening').peerId
  const js = jsPeer(['--dial', addr, '--topic', 'interop', '--publish', 'from js', '--count', '3', '--min-mesh', '1',
    '--mesh-timeout', '5000', '--expect-messages', '3', '--exit-when-done', '--gossip-stats'], 'js-gs')
  const [cc, jc] = await Promise.all([c.done, js.done])
  check(cc === 0 && jc === 0, 'gossipsub pair: both exit 0')
  const jsId = js.events.find((e) => e.type === 'listening').peerId
  const hex = (t) => Buffer.from(t).toString('hex')
  check(count(c.events, 'message', (e) => e.from === jsId && e.data_hex === hex('from js') && e.topic === 'interop') === 3,
    'gossipsub pair: C++ received 3 signed messages from js')
  check(count(js.events, 'message', (e) => e.from === cppId && e.data_hex === hex('from C++')) === 3,
    'gossipsub pair: js received 3 signed messages from C++ (StrictSign verified by js)')
  const seqnos = new Set(js.events.filter((e) => e.type === 'message').map((e) => e.seqno))
  check(seqnos.size === 3, 'gossipsub pair: distinct seqnos')
  const stats = js.events.find((e) => e.type === 'gossip_stats')
  // Only that js never penalized us: whether the score has risen yet depends on js's score refresh
  // (heartbeats) racing this short exchange. The mesh test below also requires a positive score.
  check(stats && stats.min_score[cppId] !== undefined && stats.min_score[cppId] >= 0,
    `gossipsub pair: js's score for the C++ node stayed >= 0 (min ${stats?.min_score[cppId]}, max ${stats?.max_score[cppId]})`)
}

// gossipsub: a mixed mesh of C++ and js nodes on loopback, everyone dialing everyone started before it;
// every node publishes 1 KiB messages (above js's 512-byte IDONTWANT threshold) once all the others
// subscribed and its mesh has D_lo peers, and must receive every message of every other node. --duration bounds each node if not.
async function gossipMesh () {
  const kinds = ['js', 'cpp', 'js', 'cpp', 'js', 'cpp']
  const perNode = 2
  const expect = String((kinds.length - 1) * perNode)
  const peers = []
  const addrs = []
  for (const [i, kind] of kinds.entries()) {
    const common = ['--topic', 'mesh', '--publish', `node ${i}`, '--publish-size', '1024', '--count', String(perNode),
      '--interval', '200', '--min-mesh', '4', '--min-topic-peers', String(kinds.length - 1), '--mesh-timeout', '30000', '--expect-messages', expect,
      '--exit-when-done', '--gossip-stats', '--duration', '45']
    const dials = addrs.flatMap((a) => ['--dial', a])
    const p = kind === 'js' ? jsPeer([...dials, ...common], `js${i}`) : cppPeer([...dials, ...common, '--ip-whitelist', '127.0.0.1'], `cpp${i}`)
    const l = await p.waitFor((e) => e.type === 'listening')
    p.kind = kind
    p.id = l.peerId
    addrs.push(l.addrs[0])
    peers.push(p)
  }
  const codes = await Promise.all(peers.map((p) => p.done))
  check(codes.every((c) => c === 0), `gossipsub mesh: all ${kinds.length} nodes exit 0 (${codes.join(',')})`)
  let complete = true
  for (const p of peers) {
    for (const q of peers) {
      if (q === p) continue
      const n = count(p.events, 'message', (e) => e.from === q.id && e.data_len === 1024)
      if (n !== perNode) { complete = false; console.log(`  ${p.kind} ${p.id} got ${n} from ${q.kind} ${q.id}`) }
    }
  }
  check(complete, 'gossipsub mesh: every message published by any node reached every subscriber')
  const cppStats = peers.filter((p) => p.kind === 'cpp').map((p) => p.events.find((e) => e.type === 'gossip_stats'))
  check(cppStats.every((s) => s) && cppStats.some((s) => s.idontwant_received > 0),
    `gossipsub mesh: IDONTWANT from js parsed off the wire by C++ (${cppStats.map((s) => s?.idontwant_received)})`)
  check(cppStats.some((s) => s.idontwant_sent > 0), 'gossipsub mesh: C++ sent IDONTWANT')
  const cppIds = new Set(peers.filter((p) => p.kind === 'cpp').map((p) => p.id))
  const jsStats = peers.filter((p) => p.kind === 'js').map((p) => p.events.find((e) => e.type === 'gossip_stats'))
  let fromCpp = 0
  let minScore = Infinity
  let maxScore = -Infinity
  for (const s of jsStats) {
    for (const [id, n] of Object.entries(s?.idontwant_received ?? {})) if (cppIds.has(id)) fromCpp += n
    for (const [id, v] of Object.entries(s?.min_score ?? {})) if (cppIds.has(id)) minScore = Math.min(minScore, v)
    for (const [id, v] of Object.entries(s?.max_score ?? {})) if (cppIds.has(id)) maxScore = Math.max(maxScore, v)
  }
  check(fromCpp > 0, `gossipsub mesh: js received ${fromCpp} IDONTWANT ids from C++ nodes`)
  check(minScore >= 0 && minScore !== Infinity && maxScore > 0,
    `gossipsub mesh: js's scores for C++ nodes stayed >= 0 (min ${minScore}, max ${maxScore})`)
}

const deadline = setTimeout(() => { console.log('FAIL interop suite timed out'); process.exit(1) }, 150000)
try {
  await cppDialsJs()
  await jsDialsCpp()
  await gossipPair()
  await gossipMesh()
} catch (err) {
  check(false, `unexpected: ${err.message}`)
}
clearTimeout(deadline)
console.log(failures === 0 ? 'all interop checks passed' : `${failures} interop check(s) failed`)
process.exit(failures === 0 ? 0 : 1)
