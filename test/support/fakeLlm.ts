// A local OpenAI-compatible endpoint for end-to-end tests that need "an LLM is configured": it
// writes handoff summaries and declines everything else (classification: none; rewrite:
// NO_ANSWER), so the bot's answers stay the engine's.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startFakeLlm(
  summary: string,
): Promise<{ baseURL: string; seenKeys(): string[]; close(): Promise<void> }> {
  const keys: string[] = [];
  const server = http.createServer((req, res) => {
    keys.push(req.headers.authorization ?? '');
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request = JSON.parse(body || '{}') as { messages?: { content: string }[] };
      const system = request.messages?.[0]?.content ?? '';
      const content = system.includes('摘要') ? summary : system.includes('标签') ? 'none' : 'NO_ANSWER';
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'fake',
          object: 'chat.completion',
          created: 1,
          model: 'fake',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
        }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    seenKeys: () => [...keys],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
