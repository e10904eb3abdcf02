// glibc's malloc for the worker process. By default glibc raises its mmap threshold each time a
// large block is freed, up to 32 MB, after which large blocks come from the heap and are seldom
// given back to the system: the worker's resident memory then grows with fragmentation rather than
// with what it holds. Measured on the worker's own workflow cache (docs/PERFORMANCE.md, "Memory"):
// a cached workflow that only waits costs about 275 KB of resident memory with the default and
// about 80 KB with the threshold fixed, its JS heap share being about 20 KB either way. glibc reads
// the setting when a process starts, so every launcher of the worker sets it in its environment
// (npm start, the bench, the Dockerfile); a value already set is kept.
export const WORKER_GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=131072';

/** The environment to start a worker process with. */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.GLIBC_TUNABLES ? env : { ...env, GLIBC_TUNABLES: WORKER_GLIBC_TUNABLES };
}
