// The operator CLI as an operator runs it (the real binary, DATABASE_URL pointing at this file's
// database): --help on each command, clear errors with exit 1 for bad arguments and refused
// actions, an account created from stdin and made admin, and doctor's report.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/test-database.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['bin/polycopy.mjs', ...args],
      { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? '');
  });
}

describe('polycopy operator commands', () => {
  const t = useTestDatabase();

  it('help, bad arguments, create-user from stdin, grant, kill switch refusals, doctor', async () => {
    const env = { DATABASE_URL: t.current.url, POLYCOPY_DATA_DIR: '/tmp/ops-cli-test-data' };
    // One at a time: each is a fresh process compiling the CLI, and the machine is shared.
    const help = await cli(['queue', 'settle', '--help'], env);
    const badId = await cli(['queue', 'settle', '12abc', '--filled'], env);
    const created = await cli(
      ['admin', 'create-user', 'cli.user@example.com', '--password-stdin', '--json'],
      env,
      'a long enough passphrase\n',
    );
    const noReason = await cli(['kill-switch', 'on'], env);
    const doctor = await cli(['doctor'], { ...env, SIMULATOR_PORT: '4179' });

    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: polycopy queue settle [options] <id>');
    expect(help.stdout).toContain('--not-filled');
    expect(help.stdout).toContain('--evidence <text>');

    expect(badId.code, badId.stderr).toBe(1);
    expect(badId.stderr).toContain('not a queue row id: "12abc" (a positive integer)');

    expect(created.code, created.stderr).toBe(0);
    const user = JSON.parse(created.stdout) as {
      user: { id: string; role: string };
      generatedPassword: null;
    };
    expect(user).toMatchObject({ user: { role: 'user', emailVerified: true }, generatedPassword: null });

    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toBe(
      'refused (validation_failed): a reason is required to turn the kill switch on\n',
    );

    // No simulator listens on 4179: the venue check fails with its fix; the database is fine.
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(1);
    expect(doctor.stdout).toMatch(/^OK {4}database {5}PostgreSQL \d+/m);
    expect(doctor.stdout).toMatch(/^FAIL {2}venue {8}no simulator answers at http:\/\/127\.0\.0\.1:4179/m);
    expect(doctor.stdout).toContain('fix: start the platform (its simulator) or set POLYMARKET_CLOB_URL');

    const grant = await cli(['admin', 'grant', 'CLI.User@example.com'], env);
    expect(grant.code, grant.stderr).toBe(0);
    expect(grant.stdout).toBe(`user ${user.user.id} <cli.user@example.com> is now an administrator\n`);
    const trail = await t.current.db
      .selectFrom('admin_audit_log')
      .select(['action', 'actor', 'actor_user_id'])
      .orderBy('id')
      .execute();
    expect(trail.map((r) => r.action)).toEqual(['user_create', 'user_role']);
    expect(trail.every((r) => r.actor_user_id === null && /^cli:.+@.+/.test(r.actor ?? ''))).toBe(true);
  }, 600_000);
});
