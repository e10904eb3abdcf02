// Vectors already computed, so the knowledge base is embedded when it changes and never again:
// keyed by model, role and the text itself (an entry's new version with new wording gets new keys,
// an unchanged entry keeps its vectors). Kept in memory and appended to a file per model, which
// every process on the machine shares (worker restarts, eval, bench, test files).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EmbeddingClient, EmbeddingRole } from './embeddingClient';

export class VectorCache {
  private readonly vectors = new Map<string, Float32Array>();
  private loadedFrom?: string;

  /** dir: where the per-model files live; undefined keeps vectors in memory only. */
  constructor(private readonly dir: string | undefined) {}

  private file(model: string): string | undefined {
    return this.dir ? path.join(this.dir, `${model.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`) : undefined;
  }

  private load(model: string): void {
    const file = this.file(model);
    if (!file || this.loadedFrom === file || !fs.existsSync(file)) return;
    this.loadedFrom = file;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      try {
        const { k, v } = JSON.parse(line) as { k: string; v: string };
        const bytes = Buffer.from(v, 'base64');
        this.vectors.set(k, new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice());
      } catch {
        // A line cut short by a process that died mid-write: that vector is computed again.
      }
    }
  }

  /**
   * Vectors for the texts, computing (in batches) only those never seen before. Throws when the
   * embedding server fails; what was computed before the failure stays cached.
   */
  async vectorsFor(client: EmbeddingClient, texts: string[], role: EmbeddingRole): Promise<Float32Array[]> {
    this.load(client.model);
    const keyOf = (text: string) => createHash('sha1').update(`${client.model}\0${role}\0${text}`).digest('base64url');
    const keys = texts.map(keyOf);
    const missing = [...new Set(texts.filter((_, i) => !this.vectors.has(keys[i]!)))];
    const file = this.file(client.model);
    if (missing.length > 0) {
      const computed = await client.embed(missing, role);
      const lines: string[] = [];
      missing.forEach((text, i) => {
        const vector = computed[i]!;
        this.vectors.set(keyOf(text), vector);
        lines.push(
          JSON.stringify({
            k: keyOf(text),
            v: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64'),
          }),
        );
      });
      if (file) {
        try {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          // One line per vector (about 2 KB), appended: concurrent writers never interleave within a line.
          for (const line of lines) fs.appendFileSync(file, `${line}\n`);
        } catch {
          // A read-only disk costs only the recomputation at the next start.
        }
      }
    }
    return keys.map((key) => this.vectors.get(key)!);
  }
}
