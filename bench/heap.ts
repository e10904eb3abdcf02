// A full garbage collection in another Node process, through its inspector (the worker of the
// memory phase is started with --inspect on a port of its own), so that its resident memory is
// read without the garbage a busy heap carries until V8 gets round to it. Without it, two readings
// of the same worker minutes apart differed by half. The Chrome DevTools protocol goes over a
// WebSocket, which Node 20 has only behind a flag: a short child process does the talking.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const script = `
const [port] = process.argv.slice(1);
const targets = await (await fetch('http://127.0.0.1:' + port + '/json/list')).json();
const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
const call = (id, method) => new Promise((resolve) => {
  socket.addEventListener('message', (event) => {
    const reply = JSON.parse(event.data);
    if (reply.id === id) resolve(reply.result);
  });
  socket.send(JSON.stringify({ id, method }));
});
await call(1, 'HeapProfiler.collectGarbage');
const heap = await call(2, 'Runtime.getHeapUsage');
process.stdout.write(JSON.stringify(heap));
socket.close();
`;

/** Collects the process's garbage; its JS heap in use afterwards, in bytes. */
export async function collectGarbage(inspectorPort: number): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--experimental-websocket', '--no-warnings', '--input-type=module', '-e', script, String(inspectorPort)],
    { timeout: 120_000 },
  );
  return (JSON.parse(stdout) as { usedSize: number }).usedSize;
}
