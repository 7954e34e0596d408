// Runs the schema migrations (up and down) with Kysely's Migrator, which serialises concurrent
// runners with its own lock table, so several processes starting at once migrate exactly once.
import { Migrator, NO_MIGRATIONS, sql, type MigrationResult } from 'kysely';
import type { AnyDb } from './client.ts';
import { migrations } from './migrations/index.ts';

export interface MigrationStatus {
  name: string;
  executedAt: Date | null;
}

function migrator(db: AnyDb): Migrator {
  // Migrations are numbered by area (0001-0009 engine, 0010 positions, 0020-0022 platform API), so
  // a later area can be numbered below one a database already ran (0010 after 0022). Allowing that
  // still runs pending migrations in name order; down still reverts the most recently executed.
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResult[],
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

function check(results: MigrationResult[] | undefined, error: unknown): MigrationResult[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const detail = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      `migration ${failed?.migrationName ?? '(setup)'} failed: ${detail}`,
      results ?? [],
      error,
    );
  }
  return results ?? [];
}

export async function migrateUp(db: AnyDb): Promise<MigrationResult[]> {
  const { results, error } = await migrator(db).migrateToLatest();
  return check(results, error);
}

export async function migrateDown(db: AnyDb, steps = 1): Promise<MigrationResult[]> {
  const m = migrator(db);
  const all: MigrationResult[] = [];
  for (let i = 0; i < steps; i++) {
    const { results, error } = await m.migrateDown();
    const done = check(results, error);
    if (done.length === 0) break;
    all.push(...done);
  }
  return all;
}

/** Everything back to an empty schema, including Kysely's own bookkeeping tables. */
export async function migrateDownAll(db: AnyDb): Promise<MigrationResult[]> {
  const { results, error } = await migrator(db).migrateTo(NO_MIGRATIONS);
  const done = check(results, error);
  await sql`DROP TABLE IF EXISTS kysely_migration_lock, kysely_migration`.execute(db);
  return done;
}

export async function migrationStatus(db: AnyDb): Promise<MigrationStatus[]> {
  const list = await migrator(db).getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}
