// docker-compose.yml cannot run on this machine (no Docker engine), so it is checked by reading:
// every service is buildable or pulled, references resolve, the app services' environment passes
// the same config validation the processes run, and Prometheus scrapes both /metrics ports.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { configKeys, loadConfig } from '../../config/env';
import { WORKER_GLIBC_TUNABLES, WORKFLOW_THREADS_PRELOAD, workerEnv } from '../../worker/launch';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;

/** `${NAME:-default}` and `${NAME-default}` → default, as docker compose does with an empty .env. */
const interpolate = (value: string) => value.replace(/\$\{[A-Z_]+:?-([^}]*)\}/g, '$1');

/** KEY=value lines of an env file; `# KEY=value` lines too when `commented`. */
function envFile(text: string, commented = false): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = (commented ? /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/ : /^([A-Z][A-Z0-9_]*)=(.*)$/).exec(line.trim());
    if (match) entries.set(match[1]!, match[2]!);
  }
  return entries;
}

describe('docker-compose.yml', () => {
  it('has Temporal with PostgreSQL and its UI, MongoDB, api, worker and Prometheus', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'mongodb', 'api', 'worker', 'prometheus']) {
      assert.ok(services[name], `service ${name}`);
    }
    assert.match(services.temporal!.image!, /^temporalio\/auto-setup:\d/);
    assert.equal(services.temporal!.environment!.DB, 'postgres12');
    assert.match(services.mongodb!.image!, /^mongo:\d/);
  });

  it('pins every image and builds the api and worker from the one Dockerfile', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) {
        assert.equal(service.build, '.', name);
        continue;
      }
      assert.match(service.image ?? '', /^[\w./-]+:[\w.-]+$/, `${name} pins an image tag`);
      assert.doesNotMatch(service.image ?? '', /:latest$/, `${name} does not use :latest`);
    }
    assert.ok(fs.existsSync(path.join(ROOT, 'Dockerfile')));
  });

  it('resolves depends_on and named volumes', () => {
    for (const [name, service] of Object.entries(services)) {
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) assert.ok(services[dep], `${name} depends on unknown ${dep}`);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.')) assert.ok(fs.existsSync(path.join(ROOT, source)), `${name} mounts ${source}`);
        else assert.ok(compose.volumes && source in compose.volumes, `${name} uses undeclared volume ${source}`);
      }
    }
  });

  for (const name of ['api', 'worker']) {
    it(`${name}: runs an entry point that exists, with an environment the config accepts`, () => {
      const service = services[name]!;
      const entry = service.command?.at(-1);
      assert.ok(entry && fs.existsSync(path.join(ROOT, entry)), `${name} command ${service.command?.join(' ')}`);
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]),
      );
      for (const key of Object.keys(env)) assert.ok((configKeys as string[]).includes(key), `${key} is a config key`);
      const config = loadConfig(env);
      assert.equal(config.TEMPORAL_ADDRESS, 'temporal:7233');
      assert.match(config.MONGODB_URI, /^mongodb:\/\/mongodb:27017\//);
      assert.equal(config.KB_FILE, '/app/kb/demo-faq.json');
    });
  }

  it('publishes only the api’s port; Temporal, its UI, Prometheus and MongoDB stay internal', () => {
    const published = Object.entries(services)
      .filter(([, service]) => (service.ports ?? []).length > 0)
      .map(([name, service]) => [name, service.ports]);
    assert.deepEqual(published, [['api', ['${API_PORT:-3000}:3000']]]);
    assert.equal(services.api!.environment!.PORT, '3000');
    // The loopback-only extras for an SSH tunnel bind nothing to the network.
    const tunnel = parse(read('deploy/docker-compose.tunnel.yml')) as { services: Record<string, ComposeService> };
    for (const [name, service] of Object.entries(tunnel.services)) {
      for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:/, `${name} ${port}`);
    }
  });

  it('serves the Temporal UI through the api, with the api’s codec endpoint', () => {
    const ui = services['temporal-ui']!.environment!;
    assert.equal(ui.TEMPORAL_UI_PUBLIC_PATH, '/temporal');
    assert.equal(interpolate(ui.TEMPORAL_CODEC_ENDPOINT!), 'http://localhost:3000/api/codec');
    const api = loadConfig(
      Object.fromEntries(Object.entries(services.api!.environment!).map(([k, v]) => [k, interpolate(String(v))])),
    );
    assert.equal(api.TEMPORAL_UI_UPSTREAM, `http://temporal-ui:${services['temporal-ui']!.expose![0]}`);
    assert.equal(new URL(api.TEMPORAL_UI_URL).pathname, '/temporal/');
  });

  it('.env.example lists every variable with a placeholder the configuration accepts', () => {
    const example = read('.env.example');
    const listed = envFile(example, true);
    const missing = configKeys.filter((key) => !listed.has(key));
    assert.deepEqual(missing, [], 'every configuration variable is listed');
    // Every ${VAR} docker-compose.yml reads from .env is listed as well.
    for (const match of read('docker-compose.yml').matchAll(/\$\{([A-Z_]+)/g))
      assert.ok(listed.has(match[1]!), match[1]);
    // The uncommented values, as docker compose would pass them, are valid (blank secrets included).
    const active = Object.fromEntries(envFile(example));
    const config = loadConfig({ ...active, NODE_ENV: 'production' });
    assert.equal(config.publicUrl, 'https://cs.example.com');
    for (const secret of [
      'ADMIN_API_TOKEN',
      'WECOM_SECRET',
      'WECOM_TOKEN',
      'WECOM_ENCODING_AES_KEY',
      'OPENAI_API_KEY',
      'PAYLOAD_ENCRYPTION_KEYS',
    ])
      assert.equal(active[secret], '', `${secret} has no value in the example`);
  });

  it('Prometheus scrapes the api and worker metrics ports', () => {
    const prometheus = parse(read('deploy/prometheus.yml')) as {
      scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    const targets = new Map(prometheus.scrape_configs.map((c) => [c.job_name, c.dns_sd_configs[0]!]));
    assert.deepEqual(targets.get('api'), {
      names: ['api'],
      type: 'A',
      port: Number(services.api!.environment!.API_METRICS_PORT),
    });
    assert.ok(services.api!.expose!.includes(services.api!.environment!.API_METRICS_PORT!));
    assert.deepEqual(targets.get('worker'), {
      names: ['worker'],
      type: 'A',
      port: Number(services.worker!.environment!.WORKER_METRICS_PORT),
    });
  });

  it('sends the api’s and the worker’s traces to Jaeger, whose UI is reached through the tunnel', () => {
    const jaeger = services.jaeger!;
    assert.match(jaeger.image!, /^jaegertracing\/all-in-one:\d/);
    assert.equal(jaeger.environment!.COLLECTOR_OTLP_ENABLED, 'true');
    for (const name of ['api', 'worker']) {
      const env = Object.entries(services[name]!.environment!).map(([k, v]) => [k, interpolate(String(v))]);
      const config = loadConfig(Object.fromEntries(env));
      const endpoint = new URL(config.OTEL_EXPORTER_OTLP_ENDPOINT!);
      assert.equal(endpoint.hostname, 'jaeger', name);
      assert.ok(jaeger.expose!.includes(endpoint.port), `${name} sends to a port Jaeger exposes`);
      assert.equal(config.OTEL_SERVICE_NAME, `cs-${name}`);
    }
    const tunnel = parse(read('deploy/docker-compose.tunnel.yml')) as { services: Record<string, ComposeService> };
    assert.deepEqual(tunnel.services.jaeger?.ports, ['127.0.0.1:16686:16686']);
    assert.ok(jaeger.expose!.includes('16686'));
  });

  it('the Dockerfile copies every runtime folder and the demo KB it points KB_FILE at', () => {
    const dockerfile = read('Dockerfile');
    for (const dir of [
      'activities',
      'api',
      'config',
      'customers',
      'db',
      'domain',
      'kb',
      'temporal',
      'tracing',
      'worker',
      'workflows',
      'wecom',
      'bot',
    ]) {
      assert.match(dockerfile, new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'), `COPY ${dir}`);
      assert.ok(fs.existsSync(path.join(ROOT, dir)), `${dir} exists`);
    }
    assert.ok(fs.existsSync(path.join(ROOT, 'kb', 'demo-faq.json')));
  });

  it("the image runs the worker with glibc's malloc tuned as npm start does (worker/launch.ts)", () => {
    assert.match(read('Dockerfile'), new RegExp(`^ENV GLIBC_TUNABLES=${WORKER_GLIBC_TUNABLES}$`, 'm'));
    assert.equal(workerEnv({}).GLIBC_TUNABLES, WORKER_GLIBC_TUNABLES);
    assert.equal(workerEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES, 'glibc.malloc.arena_max=2');
  });

  it('the image preloads worker/workflowThreads.cjs into the worker as npm start does (worker/launch.ts)', () => {
    const command = services.worker!.command!;
    const preload = command[command.indexOf('--require') + 1];
    assert.ok(command.indexOf('--require') > 0 && command.indexOf('--require') < command.indexOf('worker/main.ts'));
    assert.equal(path.resolve(ROOT, preload!), WORKFLOW_THREADS_PRELOAD);
    assert.match(read('Dockerfile'), /^COPY worker \.\/worker$/m);
    assert.equal(workerEnv({}).NODE_OPTIONS, `--require ${JSON.stringify(WORKFLOW_THREADS_PRELOAD)}`);
    assert.equal(
      workerEnv({ NODE_OPTIONS: '--max-old-space-size=4096' }).NODE_OPTIONS,
      `--max-old-space-size=4096 --require ${JSON.stringify(WORKFLOW_THREADS_PRELOAD)}`,
    );
  });
});
