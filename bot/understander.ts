// The understanding the worker and the eval command run: the engine over the knowledge base, with
// one embedding call per customer turn when an embedding server is configured. When that call fails
// (or the KB's vectors could not be built) the turn is understood lexically, never dropped, and the
// metrics say so; after a failure the server is left alone for a while so that every turn does not
// wait for a timeout.
import type { Understanding } from '../domain/understanding';
import { BotEngine, textForEmbedding } from './engine';
import type { KnowledgeBase } from './kb';
import { buildSemantics } from './semantic/build';
import type { Embed } from './semantic/denseIndex';
import type { EmbeddingClient, EmbeddingRole } from './semantic/embeddingClient';
import { observeEmbedding, observeTurn, setEmbeddingsAvailable } from './semantic/metrics';
import type { VectorCache } from './semantic/vectorCache';

export interface Embeddings {
  client: EmbeddingClient;
  cache: VectorCache;
  /**
   * Evaluation only: customer messages' vectors are cached like the KB's, so re-running labelled
   * cases costs no inference (the vectors are the same). The worker embeds every turn afresh.
   */
  cacheQueries?: boolean;
}

/** A customer turn waits at most this long for its embedding (a local server answers in ~10–30 ms). */
const QUERY_TIMEOUT_MS = 1500;
const WARM_UP_TEXT = '你好';
/** After a failed call, turns skip the embedding server this long before trying it again. */
const RETRY_AFTER_MS = 15_000;

export class Understander {
  private retryAt = 0;

  private constructor(
    readonly engine: BotEngine,
    private readonly embeddings: Embeddings | undefined,
    readonly semanticError: string | undefined,
  ) {}

  /** The engine for the KB: hybrid when the embeddings are configured and the KB could be embedded. */
  static async create(kb: KnowledgeBase, embeddings?: Embeddings): Promise<Understander> {
    if (!embeddings) return new Understander(BotEngine.fromKnowledgeBase(kb), undefined, undefined);
    const { client, cache } = embeddings;
    const embed: Embed = async (texts: string[], role: EmbeddingRole) => {
      const started = performance.now();
      try {
        const vectors = await cache.vectorsFor(client, texts, role);
        observeEmbedding('index', (performance.now() - started) / 1000, true);
        return vectors;
      } catch (error) {
        observeEmbedding('index', (performance.now() - started) / 1000, false);
        throw error;
      }
    };
    try {
      const semantics = await buildSemantics(kb, embed);
      // The KB's vectors may all come from the cache: one query now loads the model on a server
      // that has not answered any yet, so the first customer does not wait for that.
      await client.embed([WARM_UP_TEXT], 'query');
      const engine = BotEngine.fromKnowledgeBase(kb, semantics);
      setEmbeddingsAvailable(true);
      return new Understander(engine, embeddings, undefined);
    } catch (error) {
      setEmbeddingsAvailable(false);
      return new Understander(BotEngine.fromKnowledgeBase(kb), embeddings, (error as Error).message);
    }
  }

  /** Embeddings are configured but the KB has no vectors yet: worth building again. */
  get wantsSemantics(): boolean {
    return this.embeddings !== undefined && this.engine.semantics === undefined;
  }

  async understand(message: string, recentCustomerTurns: string[] = []): Promise<Understanding> {
    const needed = this.engine.needsEmbedding(message);
    const vector = needed ? await this.embed(message) : undefined;
    const understanding = this.engine.understand(message, recentCustomerTurns, vector);
    // A greeting or a risk the lexicon caught needed no embedding: not a degraded turn.
    observeTurn(this.engine.semantics && !needed ? 'not_needed' : (understanding.retrieval ?? 'lexical'));
    return understanding;
  }

  /** The message's embedding, or undefined when the turn must do without it. */
  private async embed(message: string): Promise<Float32Array | undefined> {
    if (!this.embeddings || !this.engine.semantics || Date.now() < this.retryAt) return undefined;
    const text = textForEmbedding(message);
    if (!text) return undefined;
    const started = performance.now();
    try {
      const { client, cache, cacheQueries } = this.embeddings;
      const [vector] = cacheQueries
        ? await cache.vectorsFor(client, [text], 'query')
        : await client.embed([text], 'query', { timeoutMs: QUERY_TIMEOUT_MS });
      observeEmbedding('query', (performance.now() - started) / 1000, true);
      setEmbeddingsAvailable(true);
      return vector;
    } catch {
      observeEmbedding('query', (performance.now() - started) / 1000, false);
      setEmbeddingsAvailable(false);
      this.retryAt = Date.now() + RETRY_AFTER_MS;
      return undefined;
    }
  }
}
