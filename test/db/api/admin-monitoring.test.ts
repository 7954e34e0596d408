// GET /api/v1/admin/monitoring/{query}: the seed's monitoring queries, for admins only.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';
import { useTestDatabase } from '../../support/test-database.ts';

describe('admin monitoring queries', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('refuses anonymous callers (401) and users (403), and unknown queries (400)', async () => {
    const user = await signUp(api);
    const get = (url: string, headers?: Record<string, string>) =>
      api.app.inject({ method: 'GET', url, ...(headers ? { headers } : {}) });
    expect((await get('/api/v1/admin/monitoring/table-sizes')).statusCode).toBe(401);
    expect((await get('/api/v1/admin/monitoring/table-sizes', user.auth)).statusCode).toBe(403);
    await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', user.userId).execute();
    const bad = await get('/api/v1/admin/monitoring/drop-everything', user.auth);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('answers table sizes and index usage for admins, and slow queries when pg_stat_statements is there', async () => {
    const admin = await signUp(api);
    await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.userId).execute();
    const get = (q: string) =>
      api.app.inject({ method: 'GET', url: `/api/v1/admin/monitoring/${q}`, headers: admin.auth });

    const sizes = await get('table-sizes');
    expect(sizes.statusCode).toBe(200);
    const tables = (sizes.json() as { rows: Array<{ tablename: string }> }).rows.map((r) => r.tablename);
    expect(tables).toEqual(
      expect.arrayContaining(['users', 'trades_default', 'trade_queue', 'copy_relationships']),
    );

    const usage = await get('index-usage');
    expect(usage.statusCode).toBe(200);
    const indexes = (usage.json() as { rows: Array<{ indexname: string; index_scans: string }> }).rows;
    expect(indexes.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['idx_users_email', 'idx_traders_pnl_7d']),
    );
    expect(indexes.every((r) => /^\d+$/.test(r.index_scans))).toBe(true);

    const preload = (
      await sql<{ p: string }>`SELECT current_setting('shared_preload_libraries') AS p`.execute(t.current.db)
    ).rows[0]!.p;
    const slow = await get('slow-queries');
    if (preload.includes('pg_stat_statements')) {
      // Preloaded but not yet created in this database: 503 until the extension exists.
      expect(slow.statusCode).toBe(503);
      await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`.execute(t.current.db);
      const again = await get('slow-queries');
      expect(again.statusCode).toBe(200);
      const rows = (again.json() as { rows: Array<Record<string, string>> }).rows;
      expect(rows.length).toBeGreaterThan(0);
      expect(Object.keys(rows[0]!)).toEqual(['query', 'calls', 'mean_exec_time', 'total_exec_time']);
    } else {
      expect(slow.statusCode).toBe(503);
      expect(slow.json()).toMatchObject({ error: { code: 'monitoring_unavailable' } });
    }
  });
});
