// Prometheus metrics of the understanding (served on the worker's /metrics): which retrieval each
// customer turn got, so a fall back to lexical retrieval shows, and how the embedding server does.
import { Counter, Gauge, Histogram } from 'prom-client';

const turns = new Counter({
  name: 'cs_understanding_turns_total',
  help: 'Customer turns understood, by retrieval: hybrid (lexical + dense), lexical (embeddings unavailable), not_needed (a greeting, unreadable, or a risk the lexicon caught)',
  labelNames: ['retrieval'] as const,
});
const calls = new Histogram({
  name: 'cs_embedding_seconds',
  help: 'Embedding requests by purpose (query: one customer turn; index: knowledge-base texts) and outcome',
  labelNames: ['purpose', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 1, 5, 30],
});
const available = new Gauge({
  name: 'cs_embeddings_available',
  help: '1 while the embedding server answers and the knowledge base has vectors, 0 while the bot runs lexical only',
});

export function observeTurn(retrieval: 'hybrid' | 'lexical' | 'not_needed'): void {
  turns.inc({ retrieval });
}

export function observeEmbedding(purpose: 'query' | 'index', seconds: number, ok: boolean): void {
  calls.observe({ purpose, outcome: ok ? 'ok' : 'error' }, seconds);
}

export function setEmbeddingsAvailable(up: boolean): void {
  available.set(up ? 1 : 0);
}
