// The rows of a customer import, read from CSV or JSON and checked one by one (zod): a bad row is
// rejected with its reason and the others go on. Columns: openKfId (optional: without it the row is
// for the customer on every kf account), externalUserId, tier (optional: kept when empty), tags
// (a list, or one cell with tags separated by ; | or ,; `-tag` removes a tag).
import { z } from 'zod';
import type { ServiceLevels } from '../domain/serviceLevels';
import { MAX_TAGS, tagSchema, tierSchema } from '../domain/customerProfile';
import { readCsv } from './csv';

export interface ImportRow {
  /** 1-based, in the order of the file. */
  row: number;
  openKfId?: string;
  externalUserId: string;
  tier?: string;
  add: string[];
  remove: string[];
}

export interface RejectedRow {
  row: number;
  externalUserId?: string;
  reason: string;
}

export interface ReadRows {
  rows: ImportRow[];
  rejected: RejectedRow[];
}

export const COLUMNS = ['openKfId', 'externalUserId', 'tier', 'tags'] as const;
/** WeCom's own names are accepted too, in any case. */
const ALIASES: Record<string, (typeof COLUMNS)[number]> = {
  openkfid: 'openKfId',
  open_kfid: 'openKfId',
  externaluserid: 'externalUserId',
  external_userid: 'externalUserId',
  tier: 'tier',
  tags: 'tags',
};

const wecomId = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be WeCom’s ${what}, a text`) })
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, `must be WeCom’s ${what} (1–64 letters, digits, _ or -)`);
const blankIsAbsent = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const TAG_LIST = /[,;|、，；]/;

function rowSchema(levels: ServiceLevels | undefined) {
  return z.strictObject({
    openKfId: z.preprocess(blankIsAbsent, wecomId('open_kfid').optional()),
    externalUserId: wecomId('external_userid'),
    tier: z.preprocess(blankIsAbsent, tierSchema(levels).optional()),
    tags: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((tags) => (typeof tags === 'string' ? tags.split(TAG_LIST) : (tags ?? [])))
      .transform((tags) => tags.map((tag) => tag.trim()).filter(Boolean))
      .pipe(z.array(z.string()).max(MAX_TAGS, `at most ${MAX_TAGS} tags a row`)),
  });
}

const tagChange = z.string().transform((raw, ctx) => {
  const remove = raw.startsWith('-');
  const parsed = tagSchema.safeParse(remove ? raw.slice(1) : raw);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: `tag “${raw}”: ${parsed.error.issues[0]!.message}` });
    return z.NEVER;
  }
  return { tag: parsed.data, remove };
});
const tagChanges = z.array(tagChange);

type RowSchema = ReturnType<typeof rowSchema>;

/** One row checked, or the reason it is rejected. */
function checkRow(schema: RowSchema, row: number, record: unknown): ImportRow | RejectedRow {
  const externalUserId =
    typeof (record as { externalUserId?: unknown })?.externalUserId === 'string'
      ? (record as { externalUserId: string }).externalUserId
      : undefined;
  const reject = (reason: string): RejectedRow => ({ row, ...(externalUserId ? { externalUserId } : {}), reason });
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return reject('a row is an object: { openKfId?, externalUserId, tier?, tags? }');
  const parsed = schema.safeParse(record);
  if (!parsed.success) return reject(describe(parsed.error));
  const changes = tagChanges.safeParse(parsed.data.tags);
  if (!changes.success) return reject(describe(changes.error));
  const add = changes.data.filter((c) => !c.remove).map((c) => c.tag);
  const remove = changes.data.filter((c) => c.remove).map((c) => c.tag);
  if (add.some((tag) => remove.includes(tag))) return reject('tags: a tag cannot be both added and removed');
  const { openKfId, tier } = parsed.data;
  return { row, externalUserId: parsed.data.externalUserId, ...(openKfId ? { openKfId } : {}), tier, add, remove };
}

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.filter((p) => typeof p === 'string').join('.');
      if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.join(', ')}`;
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function collect(
  levels: ServiceLevels | undefined,
  records: unknown[],
  shapeProblem?: (i: number) => string | undefined,
) {
  const read: ReadRows = { rows: [], rejected: [] };
  const schema = rowSchema(levels); // built once: a zod schema costs far more to build than to run
  records.forEach((record, index) => {
    const problem = shapeProblem?.(index);
    const checked = problem ? { row: index + 1, reason: problem } : checkRow(schema, index + 1, record);
    if ('reason' in checked) read.rejected.push(checked);
    else read.rows.push(checked);
  });
  return read;
}

/** A CSV text with a header line. A header it cannot read throws: nothing of the file is imported. */
export function rowsFromCsv(levels: ServiceLevels | undefined, text: string): ReadRows {
  const [header, ...records] = readCsv(text);
  if (!header) throw new Error('the file is empty: it needs a header line (openKfId,externalUserId,tier,tags)');
  const columns = header.fields.map((name) => ALIASES[name.trim().toLowerCase()]);
  const unknown = header.fields.filter((_, i) => !columns[i]);
  if (unknown.length > 0)
    throw new Error(`unknown column ${unknown.join(', ')}: the columns are ${COLUMNS.join(', ')}`);
  if (!columns.includes('externalUserId')) throw new Error('the header has no externalUserId column');
  return collect(
    levels,
    records.map(({ fields }) => Object.fromEntries(columns.map((column, i) => [column, fields[i] ?? '']))),
    (i) => {
      const { line, fields } = records[i]!;
      return fields.length === columns.length
        ? undefined
        : `line ${line} has ${fields.length} fields where the header has ${columns.length}`;
    },
  );
}

/** JSON: an array of rows, or an object with a `rows` array. */
export function rowsFromJson(levels: ServiceLevels | undefined, value: unknown): ReadRows {
  const records = Array.isArray(value) ? value : (value as { rows?: unknown })?.rows;
  if (!Array.isArray(records)) throw new Error('the JSON must be an array of rows, or an object with a rows array');
  return collect(levels, records);
}
