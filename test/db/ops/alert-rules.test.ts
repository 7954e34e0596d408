// ops/prometheus/polycopy-alerts.yml only names metrics the platform exposes: every polycopy_*
// series in a rule's expression is declared (# TYPE) by a started platform's /metrics, histogram
// suffixes included; and docs/operations.md says what to do for every alert.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startPlatform } from '../../../src/app/platform.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { useTestDatabase } from '../../support/test-database.ts';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

const rulesFile = new URL('../../../ops/prometheus/polycopy-alerts.yml', import.meta.url);
const opsGuide = new URL('../../../docs/operations.md', import.meta.url);

async function loadRules(): Promise<Rule[]> {
  const doc = parse(await readFile(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

/** The metric families an expression reads (histogram series map to their family). */
function familiesIn(expr: string, histograms: Set<string>): string[] {
  return [...expr.matchAll(/polycopy_[a-z_]+/g)].map(([name]) => {
    const base = name.replace(/_(bucket|count|sum)$/, '');
    return base !== name && histograms.has(base) ? base : name;
  });
}

describe('Prometheus alert rules', () => {
  const t = useTestDatabase();

  it('read only metrics the platform declares, and each has a severity, a summary and a runbook entry', async () => {
    const rules = await loadRules();
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const guide = await readFile(opsGuide, 'utf8');
    for (const r of rules) {
      expect(r.alert).toMatch(/^Polycopy[A-Za-z]+$/);
      expect(['page', 'ticket']).toContain(r.labels?.severity);
      expect(r.annotations?.summary).toBeTruthy();
      expect(guide, `docs/operations.md has no entry for ${r.alert}`).toContain(`**${r.alert}**`);
    }

    const platform = await startPlatform(
      loadConfig({
        DATABASE_URL: t.current.url,
        PORT: '0',
        SIMULATOR_PORT: '0',
        SIMULATOR_HISTORY_DAYS: '0',
        DEMO: 'off',
        LOG_LEVEL: 'silent',
        REDIS_URL: '',
      }),
      createLogger('silent'),
    );
    try {
      const wanted = new Set<string>();
      let declared = new Set<string>();
      const deadline = Date.now() + 30_000;
      // The feed figures appear once ingest has written its first feed state (a few seconds).
      do {
        const text = await (await fetch(`${platform.url}/metrics`)).text();
        const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)];
        declared = new Set(types.map((m) => m[1]!));
        const histograms = new Set(types.filter((m) => m[2] === 'histogram').map((m) => m[1]!));
        for (const r of rules) for (const f of familiesIn(r.expr, histograms)) wanted.add(f);
        if ([...wanted].every((f) => declared.has(f))) break;
        await new Promise((res) => setTimeout(res, 500));
      } while (Date.now() < deadline);
      expect(wanted.size).toBeGreaterThanOrEqual(8);
      expect([...wanted].filter((f) => !declared.has(f))).toEqual([]);
    } finally {
      await platform.stop('test');
    }
  }, 90_000);
});
