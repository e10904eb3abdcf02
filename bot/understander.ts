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
/** Customer turns' vectors kept in memory, so the next turn is compared with them by meaning. */
const RECENT_VECTORS = 4096;
/**
 * Recent turns whose vectors a turn wants (the latest first); one missing from memory (a worker
 * that restarted, or another worker took the previous turn) rides in the same embedding call.
 */
const TURNS_COMPARED = 2;

/** A bounded map, oldest entry out first. */
class RecentVectors {
  private readonly vectors = new Map<string, Float32Array>();
  get(text: string): Float32Array | undefined {
    return this.vectors.get(text);
  }
  set(text: string, vector: Float32Array): void {
    this.vectors.delete(text);
    this.vectors.set(text, vector);
    if (this.vectors.size > RECENT_VECTORS) this.vectors.delete(this.vectors.keys().next().value!);
  }
}

export class Understander {
  private retryAt = 0;
  private readonly recent = new RecentVectors();
  /** Embeddings started ahead of their turn (anticipate), by embedded text. */
  private readonly inFlight = new Map<string, Promise<void>>();

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

  /**
   * A customer's message was just read (the inbox, before it signals the conversation): its
   * embedding starts now, so that the turn finds the vector ready instead of waiting for it. Only
   * a turn of exactly this text uses it (a burst joined into one turn embeds its own text); a failure
   * is left to the turn, which embeds as usual.
   */
  anticipate(message: string): void {
    const embeddings = this.usableEmbeddings();
    if (!embeddings) return;
    if (!this.engine.needsEmbedding(message)) return;
    const text = textForEmbedding(message);
    if (text.length === 0 || this.recent.get(text) || this.inFlight.has(text)) return;
    const started = performance.now();
    const done = embeddings.client
      .embed([text], 'query', { timeoutMs: QUERY_TIMEOUT_MS })
      .then(([vector]) => {
        this.recent.set(text, vector!);
        observeEmbedding('query', (performance.now() - started) / 1000, true);
      })
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(text));
    this.inFlight.set(text, done);
  }

  async understand(message: string, recentCustomerTurns: string[] = []): Promise<Understanding> {
    const needed = this.engine.needsEmbedding(message);
    const compared = recentCustomerTurns.slice(-TURNS_COMPARED).filter((turn) => this.engine.needsEmbedding(turn));
    const vectors = needed ? await this.embed([message, ...compared]) : undefined;
    const vector = vectors?.get(textForEmbedding(message));
    const recentVectors = recentCustomerTurns.map((turn) => vectors?.get(textForEmbedding(turn)));
    const understanding = this.engine.understand(message, recentCustomerTurns, vector, recentVectors);
    // A greeting or a risk the lexicon caught needed no embedding: not a degraded turn.
    observeTurn(this.engine.semantics && !needed ? 'not_needed' : (understanding.retrieval ?? 'lexical'));
    return understanding;
  }

  /** The embeddings, when configured, the KB was embedded, and the server is not in its back-off after a failure. */
  private usableEmbeddings(): Embeddings | undefined {
    return this.engine.semantics && Date.now() >= this.retryAt ? this.embeddings : undefined;
  }

  /**
   * The vectors of the message and the recent turns (by their embedded text), in one call for those
   * not in memory; undefined when the turn must do without them.
   */
  private async embed(messages: string[]): Promise<Map<string, Float32Array> | undefined> {
    const embeddings = this.usableEmbeddings();
    if (!embeddings) return undefined;
    const texts = [...new Set(messages.map(textForEmbedding).filter((text) => text.length > 0))];
    if (texts.length === 0) return undefined;
    const started = performance.now();
    // Those started ahead (anticipate) are waited for, not asked for again.
    await Promise.all(texts.map((text) => this.inFlight.get(text)));
    const missing = texts.filter((text) => !this.recent.get(text));
    try {
      const { client, cache, cacheQueries } = embeddings;
      if (missing.length > 0) {
        const computed = cacheQueries
          ? await cache.vectorsFor(client, missing, 'query')
          : await client.embed(missing, 'query', { timeoutMs: QUERY_TIMEOUT_MS });
        missing.forEach((text, i) => this.recent.set(text, computed[i]!));
        observeEmbedding('query', (performance.now() - started) / 1000, true);
      }
      setEmbeddingsAvailable(true);
      return new Map(texts.map((text) => [text, this.recent.get(text)!]));
    } catch {
      observeEmbedding('query', (performance.now() - started) / 1000, false);
      setEmbeddingsAvailable(false);
      this.retryAt = Date.now() + RETRY_AFTER_MS;
      return undefined;
    }
  }
}
