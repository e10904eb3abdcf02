// A full garbage collection in another Node process, through its inspector (the worker of the
// memory phase is started with --inspect on a port of its own), so that its resident memory is
// read without the garbage a busy heap carries until V8 gets round to it. Without it, two readings
// of the same worker minutes apart differed by half. The worker's workflows run in worker threads
// (each its own V8 isolate), which the inspector reaches through its NodeWorker domain: each
// thread's garbage is collected and its heap read too. The Chrome DevTools protocol goes over a
// WebSocket, which Node 20 has only behind a flag: a short child process does the talking.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const script = `
const [port] = process.argv.slice(1);
const targets = await (await fetch('http://127.0.0.1:' + port + '/json/list')).json();
const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
const waiting = new Map();
const threads = [];
let next = 1;
socket.addEventListener('message', (event) => {
  const message = JSON.parse(event.data);
  if (message.method === 'NodeWorker.attachedToWorker') threads.push(message.params.sessionId);
  if (message.method === 'NodeWorker.receivedMessageFromWorker') {
    const reply = JSON.parse(message.params.message);
    waiting.get(message.params.sessionId + ':' + reply.id)?.(reply.result);
  }
  if (message.id !== undefined) waiting.get(':' + message.id)?.(message.result);
});
const memoryUsage = 'JSON.stringify(process.memoryUsage())';
const call = (method, params = {}) => new Promise((resolve) => {
  const id = next++;
  waiting.set(':' + id, resolve);
  socket.send(JSON.stringify({ id, method, params }));
});
const callThread = (sessionId, method, params = {}) => new Promise((resolve) => {
  const id = next++;
  waiting.set(sessionId + ':' + id, resolve);
  call('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) });
});
const external = (result) => JSON.parse(result.result.value).external;
await call('NodeWorker.enable', { waitForDebuggerOnStart: false });
await new Promise((resolve) => setTimeout(resolve, 500));
await call('HeapProfiler.collectGarbage');
const mainUsage = await call('Runtime.getHeapUsage');
let outside = external(await call('Runtime.evaluate', { expression: memoryUsage }));
const workers = [];
for (const sessionId of threads) {
  await callThread(sessionId, 'HeapProfiler.collectGarbage');
  workers.push(await callThread(sessionId, 'Runtime.getHeapUsage'));
  outside += external(await callThread(sessionId, 'Runtime.evaluate', { expression: memoryUsage }));
}
process.stdout.write(JSON.stringify({
  main: mainUsage.usedSize,
  threads: workers.map((usage) => usage.usedSize),
  committed: mainUsage.totalSize + workers.reduce((sum, usage) => sum + usage.totalSize, 0),
  external: outside,
}));
socket.close();
`;

export interface HeapReading {
  /** The main thread's JS heap in use after a full collection, bytes. */
  main: number;
  /** Each worker thread's (the workflows' isolates), bytes. */
  threads: number[];
  /** Every isolate's heap as V8 holds it from the system (in use and free pages), bytes. */
  committed: number;
  /** Memory the isolates' objects hold outside their heaps (ArrayBuffers, external strings), bytes. */
  external: number;
}

/** Collects the process's garbage, in every thread; the JS heaps in use afterwards. */
export async function collectGarbage(inspectorPort: number): Promise<HeapReading> {
  const { stdout } = await run(
    process.execPath,
    ['--experimental-websocket', '--no-warnings', '--input-type=module', '-e', script, String(inspectorPort)],
    { timeout: 300_000 },
  );
  return JSON.parse(stdout) as HeapReading;
}

/** All the process's JS heaps together, bytes. */
export const totalHeap = (reading: HeapReading) => reading.main + reading.threads.reduce((a, b) => a + b, 0);
