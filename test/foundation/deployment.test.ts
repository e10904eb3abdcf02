// docker-compose.yml cannot run on this machine (no Docker engine), so it is checked by reading:
// every service is buildable or pulled, references resolve, the app services' environment passes
// the same config validation the processes run, and Prometheus scrapes both /metrics ports.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { configKeys, loadConfig } from '../../config/env';

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

/** `${NAME:-default}` → default, as docker compose does with an empty .env. */
const interpolate = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

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

  it('Prometheus scrapes the api and worker metrics ports', () => {
    const prometheus = parse(read('deploy/prometheus.yml')) as {
      scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    const targets = new Map(prometheus.scrape_configs.map((c) => [c.job_name, c.dns_sd_configs[0]!]));
    assert.deepEqual(targets.get('api'), { names: ['api'], type: 'A', port: Number(services.api!.environment!.PORT) });
    assert.deepEqual(targets.get('worker'), {
      names: ['worker'],
      type: 'A',
      port: Number(services.worker!.environment!.WORKER_METRICS_PORT),
    });
  });

  it('the Dockerfile copies every runtime folder and the demo KB it points KB_FILE at', () => {
    const dockerfile = read('Dockerfile');
    for (const dir of ['activities', 'api', 'config', 'db', 'domain', 'kb', 'worker', 'workflows', 'wecom', 'bot']) {
      assert.match(dockerfile, new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'), `COPY ${dir}`);
      assert.ok(fs.existsSync(path.join(ROOT, dir)), `${dir} exists`);
    }
    assert.ok(fs.existsSync(path.join(ROOT, 'kb', 'demo-faq.json')));
  });
});
