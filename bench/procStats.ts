// CPU time and resident memory of a process and its descendants, from /proc (Linux), so the bench
// can say which process burns the CPU at saturation (PostgreSQL forks a backend per connection).
import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on (getconf CLK_TCK)

function stat(pid: number): { ppid: number; cpu: number; reapedCpu: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), counted from field 3.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i - 3]);
    return { ppid: n(4), cpu: (n(14) + n(15)) / TICKS_PER_SECOND, reapedCpu: (n(16) + n(17)) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = stat(Number(entry));
    if (info) children.set(info.ppid, [...(children.get(info.ppid) ?? []), Number(entry)]);
  }
  const all = [root];
  for (let i = 0; i < all.length; i++) all.push(...(children.get(all[i]!) ?? []));
  return all;
}

/** CPU seconds used so far by the process, its live descendants and the children it has reaped. */
export function cpuSeconds(pid: number): number {
  let total = stat(pid)?.reapedCpu ?? 0;
  for (const p of descendants(pid)) total += stat(p)?.cpu ?? 0;
  return total;
}

/** Resident memory in bytes (the process alone). */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}
