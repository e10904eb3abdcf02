// Starting the MongoDB-wire store the way `npm start` does, in a benchmark's own folder: FerretDB
// on SQLite, or FerretDB on the embedded PostgreSQL. Returns the URI and a stop for both servers.
import fs from 'node:fs';
import path from 'node:path';
import { startPostgres } from '../dev/postgres';
import { freePort, startFerretDb, type Service } from '../dev/services';

export type StoreBackend = 'sqlite' | 'postgresql';

export interface RunningStore {
  backend: StoreBackend;
  uri: string;
  /** The processes, for CPU and memory readings. */
  services: Service[];
  stop(): Promise<void>;
}

export async function startStore(backend: StoreBackend, dir: string, logFile: string): Promise<RunningStore> {
  fs.mkdirSync(dir, { recursive: true });
  const services: Service[] = [];
  const output = { file: logFile };
  let postgresqlUrl: string | undefined;
  if (backend === 'postgresql') {
    const postgres = await startPostgres({
      port: await freePort(),
      dataDir: path.join(dir, 'postgres'),
      durable: false,
      output,
    });
    services.push(postgres);
    postgresqlUrl = postgres.url;
  }
  const ferret = await startFerretDb({ port: 0, dataDir: path.join(dir, 'ferretdb'), postgresqlUrl, output });
  services.push(ferret);
  return {
    backend,
    uri: ferret.uri,
    services,
    async stop() {
      for (const service of [...services].reverse()) await service.stop();
    },
  };
}
