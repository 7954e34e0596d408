#!/usr/bin/env node
// The polycopy CLI. Sources are TypeScript; tsx's loader compiles them on the fly so a fresh clone
// runs with `npx polycopy ...` and no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
