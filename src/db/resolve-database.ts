// Decides which PostgreSQL the process uses: DATABASE_URL when configured, the embedded server
// otherwise.
import type { Config } from '../config/config.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function resolveDatabase(
  config: Config,
  log: (line: string) => void = () => undefined,
): Promise<ResolvedDatabase> {
  if (config.database.url) return { url: config.database.url, embedded: false, stop: async () => undefined };
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  return { url: server.url, embedded: true, stop: () => server.stop() };
}
