// A launcher's children (FerretDB, Temporal, api, worker, sandbox) must not outlive it. Ctrl-C
// reaches the whole process group, but a supervisor that kills `npm start` hits npm alone, and npm
// does not pass the signal on through `sh -c`. So each launcher stops its stack on SIGINT, SIGTERM
// or SIGHUP, and also when it notices that the process that started it is gone.
const PARENT_POLL_MS = 1000;

export function onShutdown(stop: (reason: string) => void): void {
  const parent = process.ppid;
  let stopped = false;
  const once = (reason: string) => {
    if (stopped) return;
    stopped = true;
    stop(reason);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => once(signal));
  setInterval(() => {
    if (process.ppid !== parent) once('parent exited');
  }, PARENT_POLL_MS).unref();
}
