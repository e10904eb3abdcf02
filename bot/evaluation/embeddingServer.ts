// The eval command measures what the worker runs, embeddings included: the configured endpoint, or
// the local server `npm start` runs, or else one of its own for the length of the run.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/env';
import { freePort } from '../../config/freePort';
import { embeddingServerAnswers, startEmbeddingServer } from '../../dev/services';
import { ensureEmbeddingServer } from '../../dev/setup';
import { DATA_DIR } from '../../dev/tools';

export async function embeddingsForEval(
  config: Config,
): Promise<{ settings: NonNullable<Config['embeddings']>; stop(): Promise<void> }> {
  if (config.embeddings) return { settings: config.embeddings, stop: async () => {} };
  const local = `http://127.0.0.1:${config.EMBEDDINGS_PORT}`;
  const settings = {
    baseURL: `${local}/v1`,
    apiKey: undefined,
    model: config.EMBEDDINGS_MODEL,
    roles: 'input_type' as const,
  };
  if (await embeddingServerAnswers(local)) return { settings, stop: async () => {} };
  await ensureEmbeddingServer();
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const server = await startEmbeddingServer({
    port: await freePort(),
    output: { file: path.join(DATA_DIR, 'eval-embeddings.log') },
  });
  return { settings: { ...settings, baseURL: server.baseURL }, stop: () => server.stop() };
}
