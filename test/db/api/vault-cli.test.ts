// `polycopy vault rotate-master-key` as a process: the data-folder key (dev) is replaced in place;
// an environment key (production) gets its successor written to --out. Records decrypt after.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { decryptCredentials, encryptCredentials } from '../../../src/vault/credential-crypto.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { MasterKey, resolveMasterKey } from '../../../src/vault/master-key.ts';
import { insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const run = promisify(execFile);

describe('vault rotate-master-key (CLI)', () => {
  const t = useTestDatabase();

  async function storeRecord(key: MasterKey, n: number) {
    const db = t.current.db;
    const user = await insertUser(db);
    const { rows } = await sql<{
      id: string;
    }>`SELECT nextval('polymarket_api_keys_id_seq')::text AS id`.execute(db);
    const id = rows[0]!.id;
    const creds = {
      apiKey: `cli-key-${n}`,
      apiSecret: `cli-secret-${n}`,
      apiPassphrase: `cli-pass-${n}`,
      privateKey: null,
    };
    await db
      .insertInto('polymarket_api_keys')
      .values({
        id,
        user_id: user.id,
        key_hash: n.toString(16).padStart(64, '0'),
        ...encryptCredentials(key, { userId: user.id, recordId: id }, creds),
      })
      .execute();
    return { id, userId: user.id, creds };
  }

  const decryptAll = async (key: MasterKey) => {
    const rows = await t.current.db.selectFrom('polymarket_api_keys').selectAll().execute();
    return rows
      .map((r) => decryptCredentials(key, { userId: r.user_id, recordId: r.id }, r).apiSecret)
      .sort();
  };

  it('replaces a data-folder key, and writes an environment key’s successor to --out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'polycopy-vault-'));
    const first = MasterKey.generate();
    await writeFile(join(dir, 'master.key'), first.toBase64() + '\n', { mode: 0o600 });
    await storeRecord(first, 1);
    await storeRecord(first, 2);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: t.current.url,
      POLYCOPY_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'development',
    };
    delete env.POLYCOPY_MASTER_KEY;
    const cli = (args: string[], e = env) => run(process.execPath, ['bin/polycopy.mjs', ...args], { env: e });

    const out1 = (await cli(['vault', 'rotate-master-key'])).stdout;
    expect(out1).toContain('re-wrapped 2 data key(s)');
    const second = MasterKey.fromBase64(await readFile(join(dir, 'master.key'), 'utf8'));
    expect(second.id).not.toBe(first.id);
    expect((await stat(join(dir, 'master.key'))).mode & 0o777).toBe(0o600);
    expect(await decryptAll(second)).toEqual(['cli-secret-1', 'cli-secret-2']);

    // Production style: the current key comes from the environment.
    const prodEnv = { ...env, POLYCOPY_MASTER_KEY: second.toBase64() };
    await expect(cli(['vault', 'rotate-master-key'], prodEnv)).rejects.toMatchObject({ code: 2 });
    const outFile = join(dir, 'next.key');
    const out2 = (await cli(['vault', 'rotate-master-key', '--out', outFile], prodEnv)).stdout;
    expect(out2).toContain('set POLYCOPY_MASTER_KEY');
    const third = MasterKey.fromBase64(await readFile(outFile, 'utf8'));
    expect((await stat(outFile)).mode & 0o777).toBe(0o600);
    expect(await decryptAll(third)).toEqual(['cli-secret-1', 'cli-secret-2']);
    await expect(decryptAll(second)).rejects.toThrow();
  }, 60_000);

  it('generates a data-folder master key (0600, with a warning) outside production, reuses it, and requires one in production', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'polycopy-mk-')), 'nested');
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
    const a = await resolveMasterKey({ configured: undefined, nodeEnv: 'development', dataDir: dir }, logger);
    expect((await stat(join(dir, 'master.key'))).mode & 0o777).toBe(0o600);
    expect(lines.join('')).toContain('generated a master key');
    expect(lines.join('')).not.toContain(a.toBase64());
    const b = await resolveMasterKey({ configured: undefined, nodeEnv: 'development', dataDir: dir }, logger);
    expect(b.id).toBe(a.id);
    const c = await resolveMasterKey(
      { configured: a.toBase64(), nodeEnv: 'production', dataDir: '/nonexistent' },
      logger,
    );
    expect(c.id).toBe(a.id);
    await expect(
      resolveMasterKey({ configured: undefined, nodeEnv: 'production', dataDir: dir }, logger),
    ).rejects.toThrow(/required in production/);
    // Never printed by accident.
    expect(JSON.stringify({ a })).not.toContain(a.toBase64());
    expect(String(a)).not.toContain(a.toBase64());
  });
});
