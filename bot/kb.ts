// The knowledge base file format (kb/demo-faq.json): skills and entries, validated with zod so a
// broken KB file fails at start-up with the entry and field named.
import fs from 'node:fs';
import { z } from 'zod';

export const kbEntrySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'ids are letters, digits, - and _'),
  skill: z.string().min(1),
  question: z.string().min(1),
  similar: z.array(z.string()).default([]),
  answer: z.string().min(1),
  enabled: z.boolean().default(true),
});

export const knowledgeBaseSchema = z.object({
  name: z.string().default('knowledge base'),
  skills: z.record(z.string(), z.string()).default({}),
  entries: z.array(kbEntrySchema).min(1),
});

export type KbEntry = z.infer<typeof kbEntrySchema>;
export type KnowledgeBase = z.infer<typeof knowledgeBaseSchema>;

export function parseKnowledgeBase(json: unknown, source = 'knowledge base'): KnowledgeBase {
  const parsed = knowledgeBaseSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join('.')} ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const entry of parsed.data.entries) {
    if (ids.has(entry.id)) throw new Error(`${source}: duplicate entry id ${entry.id}`);
    ids.add(entry.id);
  }
  return parsed.data;
}

export function loadKnowledgeBaseFile(file: string): KnowledgeBase {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the knowledge base ${file}: ${(error as Error).message}`);
  }
  return parseKnowledgeBase(json, file);
}
