// Vitest global setup of the browser tests: the dashboard must be built (npm ci builds it; a change
// under web/ since then is rebuilt here, so the tests never drive a stale bundle).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  const index = 'web/dist/index.html';
  const sources = Math.max(
    newest('web/src'),
    statSync('web/index.html').mtimeMs,
    statSync('web/vite.config.ts').mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync('npm', ['run', 'build', '--workspace', 'web'], { stdio: 'inherit' });
}
