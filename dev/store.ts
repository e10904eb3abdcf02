// The local MongoDB-wire store of `npm start`, the tests and the benchmarks: FerretDB on the
// embedded PostgreSQL (the default: docs/PERFORMANCE.md has the measurements), or FerretDB on
// SQLite with FERRETDB_BACKEND=sqlite. Returns the URI and the processes, stopped in reverse order.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ensurePostgres, startPostgres } from './postgres';
import { freePort, startFerretDb, type Service, type SpawnServiceOptions } from './services';

export type StoreBackend = 'postgresql' | 'sqlite';

export function storeBackend(env: NodeJS.ProcessEnv = process.env): StoreBackend {
  const parsed = z
    .enum(['postgresql', 'sqlite'])
    .default('postgresql')
    .safeParse(env.FERRETDB_BACKEND || undefined);
  if (!parsed.success) throw new Error(`FERRETDB_BACKEND must be postgresql or sqlite (got "${env.FERRETDB_BACKEND}")`);
  return parsed.data;
}

export async function ensureStoreTools(backend: StoreBackend): Promise<void> {
  if (backend === 'postgresql') await ensurePostgres();
}

export interface LocalStoreOptions {
  backend: StoreBackend;
  /** FerretDB's port (0: a free one). */
  port: number;
  /** Data folder: <dir>/postgres or <dir>/ferretdb (SQLite files). */
  dir: string;
  /** Throw-away stores (tests, benchmarks) skip fsync. */
  durable: boolean;
  output: SpawnServiceOptions['output'];
}

export interface LocalStore {
  backend: StoreBackend;
  uri: string;
  services: Service[];
  stop(): Promise<void>;
  /** FerretDB alone started again on its port and data, after it stopped or crashed (fault tests). */
  restartFerretDb(): Promise<void>;
}

export async function startLocalStore(options: LocalStoreOptions): Promise<LocalStore> {
  fs.mkdirSync(options.dir, { recursive: true });
  const services: Service[] = [];
  const stop = async () => {
    for (const service of [...services].reverse()) await service.stop();
  };
  try {
    let postgresqlUrl: string | undefined;
    if (options.backend === 'postgresql') {
      const postgres = await startPostgres({
        port: await freePort(),
        dataDir: path.join(options.dir, 'postgres'),
        durable: options.durable,
        output: options.output,
      });
      services.push(postgres);
      postgresqlUrl = postgres.url;
    }
    const ferretOptions = { dataDir: path.join(options.dir, 'ferretdb'), postgresqlUrl, output: options.output };
    const ferret = await startFerretDb({ ...ferretOptions, port: options.port });
    services.push(ferret);
    // The clients hold this address: a restart must listen on the same port.
    const port = Number(new URL(ferret.uri).port);
    const restartFerretDb = async () => {
      const index = services.findIndex((service) => service.name === 'ferretdb');
      await services[index]!.stop();
      services[index] = await startFerretDb({ ...ferretOptions, port });
    };
    return { backend: options.backend, uri: ferret.uri, services, stop, restartFerretDb };
  } catch (error) {
    await stop();
    throw error;
  }
}
