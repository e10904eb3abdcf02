// The worker's /metrics and /healthz: prom-client's registry plus the Temporal SDK's own metrics,
// which the SDK serves on an internal port; one scrape target for Prometheus.
import http from 'node:http';
import { register } from 'prom-client';

export function startMetricsServer(options: {
  port: number;
  sdkMetricsUrl: string | undefined;
  /** `ok` answers 200; anything else (starting, stalled…) 503 with that status. */
  health: () => string;
}): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    void (async () => {
      if (req.url === '/healthz') {
        const status = options.health();
        res.writeHead(status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status }));
        return;
      }
      if (req.url === '/metrics') {
        let sdk = '';
        if (options.sdkMetricsUrl) {
          sdk = await fetch(options.sdkMetricsUrl)
            .then((r) => r.text())
            .catch(() => '');
        }
        res.writeHead(200, { 'content-type': register.contentType });
        res.end(`${await register.metrics()}\n${sdk}`);
        return;
      }
      res.writeHead(404).end();
    })().catch(() => res.writeHead(500).end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '0.0.0.0', () => resolve(server));
  });
}
