// The human-readable report of `npm run bench`: one table per phase that ran.
import type { BenchResult } from './main';
import { formatMs } from './latency';

const row = (cells: (string | number)[], widths: number[]) =>
  cells.map((c, i) => String(c).padStart(widths[i] ?? 10)).join('  ');

export function printReport(r: BenchResult): void {
  const out: string[] = [];
  out.push(
    `machine: ${r.machine.cores} cores, node ${r.machine.node}, store FerretDB on ${r.machine.backend}, ${r.machine.retrieval} retrieval; ` +
      `load average ${r.machine.loadBefore} → ${r.machine.loadAfter}; ${r.durationS} s`,
  );
  if (r.steps) {
    out.push('', 'rates (new conversations; latency from the customer message to send_msg at the sandbox)');
    const w = [8, 8, 10, 8, 8, 8, 40];
    out.push(row(['target', 'msg/s', 'answered', 'p50 ms', 'p95 ms', 'p99 ms', 'CPU cores by process'], w));
    for (const s of r.steps) {
      const cpu = Object.entries(s.cores)
        .map(([name, cores]) => `${name} ${cores}`)
        .join(', ');
      out.push(
        row(
          [
            s.target,
            s.ratePerS,
            `${s.answered}/${s.offered}`,
            formatMs(s.p50Ms),
            formatMs(s.p95Ms),
            formatMs(s.p99Ms),
            cpu,
          ],
          w,
        ),
      );
    }
    out.push(
      '',
      `sustained (p99 < 1 s): product ${r.product?.sustainedMsgPerS} msg/s, floor ${r.floor?.sustainedMsgPerS} msg/s, ratio ${r.ratio}`,
      `product at ${r.product?.atMsgPerS} msg/s: p50/p99 ${r.product?.p50Ms}/${formatMs(r.product?.p99Ms ?? NaN)} ms; ` +
        `floor at ${r.floor?.atMsgPerS} msg/s: p50/p99 ${r.floor?.p50Ms}/${formatMs(r.floor?.p99Ms ?? NaN)} ms ` +
        '(10 msg/s, or the highest rate measured)',
    );
  }
  if (r.modes) {
    out.push('', 'modes (product)');
    const w = [8, 8, 10, 8, 8, 8];
    out.push(row(['mode', 'msg/s', 'answered', 'p50 ms', 'p95 ms', 'p99 ms'], w));
    for (const [mode, f] of Object.entries(r.modes)) {
      out.push(
        row(
          [mode, f.ratePerS, `${f.answered}/${f.offered}`, formatMs(f.p50Ms), formatMs(f.p95Ms), formatMs(f.p99Ms)],
          w,
        ),
      );
    }
  }
  if (r.profile) {
    out.push('', 'profile per customer message (first message of a conversation | follow-up)');
    for (const key of ['workflowTasksPerMessage', 'activitiesPerMessage', 'mongoRoundTripsPerMessage'] as const) {
      out.push(`  ${key}: ${JSON.stringify(r.profile.first[key])} | ${JSON.stringify(r.profile.followUp[key])}`);
    }
    out.push(
      `  look-ups of growing collections per message: ${r.profile.first.scansOfGrowingPerMessage} | ${r.profile.followUp.scansOfGrowingPerMessage}`,
    );
  }
  if (r.memory) {
    out.push('', 'worker memory per cached open conversation');
    out.push(
      `  floor (echo workflows): ${r.floorMemoryPerConversationKb} KB each` +
        (r.floorHeapPerConversationKb === undefined ? '' : ` (JS heap ${r.floorHeapPerConversationKb} KB)`),
    );
    for (const p of r.memory) {
      out.push(
        `  ${p.openConversations} open: RSS ${p.rssMb} MB, ${p.cachedWorkflows ?? '?'} cached, ${p.kbPerConversation} KB each` +
          (p.heapKbPerConversation === undefined
            ? ''
            : ` (JS heap ${p.heapMb} MB, ${p.heapKbPerConversation} KB each)`) +
          `, api /metrics in ${p.metricsScrapeMs} ms`,
      );
    }
  }
  if (r.growthDetail) {
    out.push('', 'latency as stored data grows (new conversations)');
    const w = [16, 10, 8, 8, 8];
    out.push(row(['stored messages', 'answered', 'p50 ms', 'p95 ms', 'p99 ms'], w));
    for (const g of r.growthDetail) {
      out.push(
        row(
          [g.storedMessages, `${g.answered}/${g.offered}`, formatMs(g.p50Ms), formatMs(g.p95Ms), formatMs(g.p99Ms)],
          w,
        ),
      );
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
