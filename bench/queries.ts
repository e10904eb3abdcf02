// `npm run bench:store [-- --json] [--sizes 0,10000,100000]`: the hot path's MongoDB query shapes
// (one customer message: the inbox's customer upsert and conversation look-up, the transcript
// upserts, the mirror update, the event insert; what a conversation leaves for the next) and the
// /metrics count, timed on FerretDB over SQLite and over the embedded PostgreSQL, with the store
// pre-filled to each size. Both backends run in the same process, one after the other, so their
// ratio is what to read on a shared machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { ensureStoreTools, startLocalStore, type StoreBackend } from '../dev/store';
import { ensureTools } from '../dev/setup';
import { DATA_DIR } from '../dev/tools';
import { ConversationModel } from '../db/models/conversation';
import { CustomerModel } from '../db/models/customer';
import { EventModel } from '../db/models/event';
import { MessageModel } from '../db/models/message';
import { SessionContextModel } from '../db/models/sessionContext';
import { insertOnce } from '../db/insertOnce';
import { conversationWorkflowId } from '../workflows/conversationContract';
import { MESSAGES_PER_CONVERSATION, prefill } from './prefill';

const OPEN_KFID = 'wkBenchStore';
const args = process.argv.slice(2);
const json = args.includes('--json');
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (option('--sizes') ?? '0,10000,100000').split(',').map(Number);
const backends = (option('--backends') ?? 'sqlite,postgresql').split(',') as StoreBackend[];
const samples = Number(option('--samples') ?? 30);

type Shape = (i: number, size: number) => Promise<unknown>;

/** A stored customer at random (one that does not exist on an empty store). */
const pick = (i: number, size: number) => {
  const conversations = Math.ceil(size / MESSAGES_PER_CONVERSATION);
  return conversations === 0 ? `absent${i}` : `pre${(i * 7919) % conversations}`;
};

/** Each shape as the product issues it (activities/inbox.ts, activities/conversation.ts, api/metrics.ts). */
const shapes: Record<string, Shape> = {
  'messages: upsert new msgid': (i) =>
    MessageModel.updateOne(
      { msgid: `new${i}-${Date.now()}` },
      {
        $setOnInsert: {
          conversationId: 'c',
          openKfId: OPEN_KFID,
          externalUserId: 'x',
          direction: 'in',
          from: 'customer',
          msgtype: 'text',
          text: '运费怎么算',
          sentAt: new Date(),
        },
      },
      { upsert: true },
    ),
  'messages: append (insert, db/append.ts)': (i) =>
    insertOnce(MessageModel, [
      {
        msgid: `app${i}-${Date.now()}`,
        conversationId: 'c',
        openKfId: OPEN_KFID,
        externalUserId: 'x',
        direction: 'out',
        from: 'bot',
        msgtype: 'text',
        text: '满99元包邮',
        sentAt: new Date(),
      },
    ]),
  'customers: findOneAndUpdate upsert': (i, size) =>
    CustomerModel.findOneAndUpdate(
      { openKfId: OPEN_KFID, externalUserId: pick(i, size) },
      { $setOnInsert: { session: 1, tier: 'normal', tags: [] } },
      { upsert: true, returnDocument: 'after' },
    ).lean(),
  'customers: findOne': (i, size) =>
    CustomerModel.findOne({ openKfId: OPEN_KFID, externalUserId: pick(i, size) }).lean(),
  'customers: updateOne by key (old record)': (i, size) =>
    CustomerModel.updateOne({ openKfId: OPEN_KFID, externalUserId: pick(i, size) }, { $set: { lastAgentId: 'a' } }),
  'session_contexts: upsert by _id (agent)': (i, size) =>
    SessionContextModel.updateOne(
      { _id: conversationWorkflowId(OPEN_KFID, pick(i, size), 1) },
      { $set: { openKfId: OPEN_KFID, externalUserId: pick(i, size), lastAgentId: 'a' } },
      { upsert: true },
    ),
  'session_contexts: findById (next session)': (i, size) =>
    SessionContextModel.findById(conversationWorkflowId(OPEN_KFID, pick(i, size), 1)).lean(),
  'conversations: findOne by id': (i, size) =>
    ConversationModel.findOne(
      { conversationId: conversationWorkflowId(OPEN_KFID, pick(i, size), 1) },
      { state: 1 },
    ).lean(),
  'conversations: mirror updateOne': (i, size) =>
    ConversationModel.updateOne(
      { conversationId: conversationWorkflowId(OPEN_KFID, pick(i, size), 1), revision: { $lt: 1e9 } },
      { $set: { updatedAt: new Date() } },
    ),
  'events: insert': (i) =>
    EventModel.create({ eventId: `new${i}-${Date.now()}`, type: 'bot_answer', conversationId: 'c', at: new Date() }),
  'conversations: count by state (metrics)': () => ConversationModel.countDocuments({ state: 'queued' }),
};

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function measure(size: number): Promise<Record<string, { p50: number; p95: number }>> {
  const result: Record<string, { p50: number; p95: number }> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    await shape(0, size); // warm the connection and the plan
    const times: number[] = [];
    for (let i = 1; i <= samples; i++) {
      const started = performance.now();
      await shape(i, size);
      times.push(performance.now() - started);
    }
    result[name] = { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
  }
  return result;
}

async function main(): Promise<void> {
  await ensureTools();
  for (const backend of backends) await ensureStoreTools(backend);
  const root = fs.mkdtempSync(path.join(DATA_DIR, 'bench-store-'));
  fs.chmodSync(root, 0o755); // PostgreSQL may run as another account (dev/postgres.ts)
  const figures: Record<string, Record<string, Record<string, { p50: number; p95: number }>>> = {};
  const startup: Record<string, number> = {};
  try {
    for (const backend of backends) {
      const started = performance.now();
      const store = await startLocalStore({
        backend,
        port: 0,
        dir: path.join(root, backend),
        durable: false,
        output: { file: path.join(root, `${backend}.log`) },
      });
      startup[backend] = performance.now() - started;
      try {
        await mongoose.connect(store.uri.replace(/\/?$/, '/bench_store'), { serverSelectionTimeoutMS: 10_000 });
        await Promise.all(
          [MessageModel, CustomerModel, ConversationModel, EventModel, SessionContextModel].map((m) => m.init()),
        );
        figures[backend] = {};
        for (const size of sizes) {
          const filled = performance.now();
          await prefill(OPEN_KFID, size, (done, total) => {
            if (!json) process.stdout.write(`\r  ${backend}: prefilling ${done}/${total} messages   `);
          });
          if (!json)
            process.stdout.write(
              `\r  ${backend}: ${size} messages (${((performance.now() - filled) / 1000).toFixed(0)}s to fill), timing…\n`,
            );
          figures[backend]![String(size)] = await measure(size);
        }
      } finally {
        await mongoose.disconnect();
        await store.stop();
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  if (json) {
    process.stdout.write(`${JSON.stringify({ load, samples, startupMs: startup, figures })}\n`);
    return;
  }
  process.stdout.write(`\nms per operation, p50 (p95); ${samples} samples; load average ${load}\n`);
  for (const name of Object.keys(shapes)) {
    const cells = sizes.flatMap((size) =>
      backends.map((b) => {
        const f = figures[b]![String(size)]![name]!;
        return `${f.p50.toFixed(1)} (${f.p95.toFixed(1)})`;
      }),
    );
    process.stdout.write(`${name.padEnd(42)} ${cells.map((c) => c.padStart(16)).join('')}\n`);
  }
  process.stdout.write(
    `${'columns'.padEnd(42)} ${sizes.flatMap((s) => backends.map((b) => `${b.slice(0, 6)}@${s}`.padStart(16))).join('')}\n`,
  );
  process.stdout.write(`start-up: ${backends.map((b) => `${b} ${(startup[b]! / 1000).toFixed(1)}s`).join(', ')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:store failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
