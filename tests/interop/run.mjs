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

const deadline = setTimeout(() => { console.log('FAIL interop suite timed out'); process.exit(1) }, 150000)
try {
  await cppDialsJs()
  await jsDialsCpp()
} catch (err) {
  check(false, `unexpected: ${err.message}`)
}
clearTimeout(deadline)
console.log(failures === 0 ? 'all interop checks passed' : `${failures} interop check(s) failed`)
process.exit(failures === 0 ? 0 : 1)
