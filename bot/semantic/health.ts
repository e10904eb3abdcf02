// Whether the embedding endpoint answers, for /healthz: the OpenAI-compatible model list, which every
// such server serves and which costs no inference.
import type { Config } from '../../config/env';

export async function embeddingsHealth(
  settings: Config['embeddings'],
  timeoutMs = 2000,
): Promise<{ ok: boolean; configured: boolean; error?: string }> {
  if (!settings)
    return { ok: false, configured: false, error: 'EMBEDDINGS_BASE_URL is not set: lexical retrieval only' };
  try {
    const res = await fetch(`${settings.baseURL.replace(/\/$/, '')}/models`, {
      headers: settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok ? { ok: true, configured: true } : { ok: false, configured: true, error: `HTTP ${res.status}` };
  } catch (error) {
    return { ok: false, configured: true, error: (error as Error).message };
  }
}
