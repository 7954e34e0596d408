// Every installed package must run on the Node versions package.json promises: `npm ci` warned
// (EBADENGINE) that content-disposition 3 and cookie 2 want Node 22, pulled in by @fastify/static
// and light-my-request. The lock file is what `npm ci` installs, so it is what is checked.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  version?: string;
  engines?: { node?: string } | string[];
  dev?: boolean;
}

const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, LockPackage>;
};

function refusing(nodeVersion: string): string[] {
  const out: string[] = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    if (path === '' || !p.engines || Array.isArray(p.engines) || !p.engines.node) continue;
    if (!semver.satisfies(nodeVersion, p.engines.node, { includePrerelease: true }))
      out.push(`${path}@${p.version} wants node ${p.engines.node}`);
  }
  return out;
}

describe('installed packages and the Node versions we support', () => {
  it('every package in the lock file accepts Node 20.19 (the oldest version package.json allows)', () => {
    expect(refusing('20.19.0')).toEqual([]);
  });

  it('the check itself sees an engines range that refuses a version', () => {
    expect(refusing('0.10.0').length).toBeGreaterThan(0);
  });
});
