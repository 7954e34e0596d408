// `polycopy start` as a process: migrates the configured database, serves /health and /ready, and
// shuts down cleanly on SIGTERM. Also the in-process API with a database that goes away.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/app/platform.ts';
import { loadConfig } from '../../src/config/config.ts';
import { migrationStatus } from '../../src/db/migrator.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { adminQuery, useTestDatabase } from '../support/test-database.ts';

describe('platform shell', () => {
  const t = useTestDatabase({ empty: true });

  it('starts as a process, migrates, answers /health and /ready, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/polycopy.mjs', 'start', '--port', '0'], {
      env: {
        ...process.env,
        DATABASE_URL: t.current.url,
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        SIMULATOR_PORT: '0',
        // The readiness body below is exact: no Redis check in this run, whatever the caller set.
        REDIS_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${out}`)), 30_000);
      child.stdout.on('data', () => {
        const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"polycopy is up"/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    try {
      expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok' });
      const ready = await fetch(`${url}/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as {
        status: string;
        checks: Record<string, { ok: boolean; details?: { feeds: { feed: string }[] } }>;
      };
      expect(body).toMatchObject({
        status: 'ready',
        checks: { database: { ok: true }, venue: { ok: true }, ingest: { ok: true }, jobs: { ok: true } },
      });
      expect(Object.keys(body.checks).sort()).toEqual(['database', 'ingest', 'jobs', 'venue']);
      // Ingest says which feeds it runs; one still connecting does not make the platform unready.
      expect(body.checks.ingest!.details!.feeds.map((f) => f.feed).sort()).toEqual([
        'chain',
        'data_api',
        'rtds',
      ]);
      expect((await migrationStatus(t.current.db)).every((m) => m.executedAt)).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out).toContain('"msg":"stopped"');
  }, 60_000);

  it('reports not ready (503) while its database is unreachable, and recovers', async () => {
    const config = loadConfig({
      DATABASE_URL: t.current.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      SIMULATOR_PORT: '0',
      SIMULATOR_HISTORY_DAYS: '0',
    });
    const platform = await startPlatform(config, createLogger('silent'));
    try {
      expect((await fetch(`${platform.url}/ready`)).status).toBe(200);
      // Block new connections and kill the pool's existing ones.
      await adminQuery(`ALTER DATABASE "${t.current.name}" WITH ALLOW_CONNECTIONS false`);
      await adminQuery(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${t.current.name}' AND pid <> pg_backend_pid()`,
      );
      const down = await fetch(`${platform.url}/ready`);
      expect(down.status).toBe(503);
      const body = (await down.json()) as { status: string; checks: { database: { ok: boolean } } };
      expect(body.status).toBe('not_ready');
      expect(body.checks.database.ok).toBe(false);
      expect((await fetch(`${platform.url}/health`)).status).toBe(200);
      await adminQuery(`ALTER DATABASE "${t.current.name}" WITH ALLOW_CONNECTIONS true`);
      expect((await fetch(`${platform.url}/ready`)).status).toBe(200);
    } finally {
      await platform.stop('test');
    }
  });
});
