// Two processes starting at once on one new embedded data folder (item 3 of issue 16). Before, one
// of the two always exited 1 with "embedded PostgreSQL did not start … is the port taken?" or
// "initdb: directory exists but is not empty". Now one initialises and starts the server while the
// other waits for it and reuses it; neither reports an error. A private folder and port (never the
// machine's shared PostgreSQL).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

const PORT = 55471;

interface Started {
  child: ChildProcess;
  result: Promise<{ url?: string; reused?: boolean; error?: string }>;
  stderr: string[];
}

function start(dataDir: string): Started {
  const child = spawn(
    process.execPath,
    ['bin/run-ts.mjs', 'test/support/embedded-start-main.ts', dataDir, String(PORT)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const stderr: string[] = [];
  child.stderr!.on('data', (b: Buffer) => stderr.push(...b.toString('utf8').split('\n').filter(Boolean)));
  const result = new Promise<{ url?: string; reused?: boolean; error?: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line!) as never);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before starting: ${stderr.join('\n')}`)));
  });
  return { child, result, stderr };
}

const stop = (s: Started) =>
  new Promise<void>((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    s.child.on('exit', () => resolve());
    s.child.stdin!.end();
  });

describe('two starts at once on one new embedded data folder', () => {
  let dir = '';
  const started: Started[] = [];
  afterAll(async () => {
    for (const s of [...started].reverse()) await stop(s);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('one starts PostgreSQL, the other waits for it and reuses it; no error either side', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ops-embedded-'));
    started.push(start(dir), start(dir));
    const [a, b] = await Promise.all(started.map((s) => s.result));
    expect([a!.error, b!.error]).toEqual([undefined, undefined]);
    expect([a!.reused, b!.reused].sort()).toEqual([false, true]);
    expect(a!.url).toBe(b!.url);
    // The one that waited said so, once.
    const waiter = started[a!.reused ? 0 : 1]!;
    expect(waiter.stderr.filter((l) => l.includes('is starting PostgreSQL in')).length).toBe(1);
    for (const s of started) expect(s.stderr.filter((l) => /\berror\b|FATAL/i.test(l))).toEqual([]);
    const client = new pg.Client({ connectionString: a!.url });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
  }, 240_000);
});
