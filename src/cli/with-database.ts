// Runs a one-shot command against the configured (or embedded) database and tears it down after.
import type { Config } from '../config/config.ts';
import { createDb, type DbHandle } from '../db/client.ts';
import { resolveDatabase } from '../db/resolve-database.ts';

export async function withDatabase<T>(
  config: Config,
  fn: (db: DbHandle, url: string) => Promise<T>,
): Promise<T> {
  const database = await resolveDatabase(config);
  const handle = createDb(database.url, { poolMax: 2, applicationName: 'polycopy-cli' });
  try {
    return await fn(handle, database.url);
  } finally {
    await handle.close();
    await database.stop();
  }
}
