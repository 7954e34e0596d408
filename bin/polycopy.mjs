#!/usr/bin/env node
// The polycopy CLI. Installing (`npm ci` / `npm install`) compiles src/ to dist/ (the `prepare`
// script, `npm run build`), and this runs that JavaScript: no TypeScript loader at run time, and
// `tsx` is only a development dependency. In a working copy whose sources changed after the last
// build, dist/ would run stale code; then the sources run through tsx's loader instead when it is
// installed (development), and otherwise this says to build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'dist', 'cli', 'main.js');
const sources = join(root, 'src');

/** The newest modification time of a .ts file under `dir` (0 when there is no such folder). */
function newestSource(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const built = existsSync(compiled) ? statSync(compiled).mtimeMs : -1;
if (built >= 0 && newestSource(sources) <= built) {
  await import(pathToFileURL(compiled).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(
      built < 0
        ? 'polycopy is not built: run `npm run build` (npm ci does it)\n'
        : 'the sources changed since the last build: run `npm run build`\n',
    );
    process.exit(1);
  }
  register();
  await import(pathToFileURL(join(sources, 'cli', 'main.ts')).href);
}
