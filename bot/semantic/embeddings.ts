// The embeddings a process uses, from its configuration: the client for the configured endpoint and
// the vector cache every process on the machine shares (.data/embeddings).
import path from 'node:path';
import type { Config } from '../../config/env';
import type { Embeddings } from '../understander';
import { EmbeddingClient } from './embeddingClient';
import { VectorCache } from './vectorCache';

export const DEFAULT_VECTOR_CACHE_DIR = path.resolve(__dirname, '..', '..', '.data', 'embeddings');

export function embeddingsFrom(
  settings: Config['embeddings'],
  options: { cacheDir?: string; cacheQueries?: boolean } = {},
): Embeddings | undefined {
  if (!settings) return undefined;
  const { cacheDir = DEFAULT_VECTOR_CACHE_DIR, cacheQueries = false } = options;
  return {
    cacheQueries,
    client: new EmbeddingClient({
      baseURL: settings.baseURL,
      apiKey: settings.apiKey,
      model: settings.model,
      roles: settings.roles,
    }),
    cache: new VectorCache(cacheDir),
  };
}
