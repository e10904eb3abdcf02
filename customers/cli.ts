// `npm run customers:import -- <file.csv | file.json>`: customers' tiers and tags from a file into
// MongoDB (MONGODB_URI), as POST /api/customers/import does: a progress line while it runs, then a
// summary with every rejected row and its reason. Safe to run again: rows already in place change
// nothing. Exit code 0 when every row was taken, 1 when some were rejected, 2 when the file cannot
// be read at all.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../config/env';
import { loadServiceLevels } from '../config/serviceLevels';
import { connectMongo, disconnectMongo } from '../db/connection';
import { importCustomers, type ImportProgress } from './import';
import { rowsFromCsv, rowsFromJson, type ReadRows } from './importRows';

const usage =
  'usage: npm run customers:import -- <file.csv | file.json>   (columns: openKfId?, externalUserId, tier, tags)';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const progressLine = (p: ImportProgress) =>
  `imported ${p.done}/${p.rows} rows: ${p.created} created, ${p.updated} updated, ${p.unchanged} unchanged, ${p.rejected} rejected`;

async function main(): Promise<void> {
  const file = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  if (!file) fail(usage);
  const config = loadConfigOrExit();
  const levels = loadServiceLevels(config.SERVICE_LEVELS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  const kind = path.extname(file).toLowerCase();
  let read: ReadRows;
  try {
    if (kind === '.csv') read = rowsFromCsv(levels, text);
    else if (kind === '.json') read = rowsFromJson(levels, JSON.parse(text));
    else fail(`${file}: the file must end in .csv or .json\n${usage}`);
  } catch (error) {
    fail(`${file}: ${(error as Error).message}`);
  }

  await connectMongo(config.MONGODB_URI, { timeoutMs: 5000 });
  const tty = process.stderr.isTTY;
  try {
    const summary = await importCustomers(read, {
      by: 'customers:import',
      source: path.basename(file),
      // On a terminal the progress line is redrawn in place; in a log, one line per batch.
      onProgress: (p) => process.stderr.write(tty ? `\r${progressLine(p)}` : `${progressLine(p)}\n`),
    });
    if (tty) process.stderr.write('\n');
    const out = [
      `${file}: ${summary.rows} rows`,
      `  created   ${summary.created}`,
      `  updated   ${summary.updated}`,
      `  unchanged ${summary.unchanged}`,
      `  rejected  ${summary.rejected}`,
      ...summary.rejectedRows.map(
        (r) => `    row ${r.row}${r.externalUserId ? ` (${r.externalUserId})` : ''}: ${r.reason}`,
      ),
      ...(summary.rejected > summary.rejectedRows.length
        ? [`    … and ${summary.rejected - summary.rejectedRows.length} more`]
        : []),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    process.exitCode = summary.rejected > 0 ? 1 : 0;
  } finally {
    await disconnectMongo();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`customers:import failed: ${(error as Error).message}\n`);
  process.exit(2);
});
