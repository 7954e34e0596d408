// `npm run bench -- [scenario...]`: runs named benchmark scenarios, writes
// bench/results/<scenario>.json, rewrites the table in bench/results/README.md from every result
// file present, and prints one JSON object (all results of this run) on the last stdout line.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { benchSimulator, machine } from './simulator.ts';

type Row = { metric: string; value: string };
type Scenario = () => Promise<{ result: unknown; rows: Row[] }>;

const SCENARIOS: Record<string, Scenario> = {
  simulator: async () => {
    const r = await benchSimulator();
    return {
      result: r,
      rows: [
        {
          metric: 'signed orders accepted / s (HTTP, HMAC + EIP-712 verify)',
          value: String(r.orders.ordersPerSec),
        },
        { metric: 'order latency p50 / p99 ms', value: `${r.orders.p50Ms} / ${r.orders.p99Ms}` },
        {
          metric: `order concurrency / wallets / orders`,
          value: `${r.orders.concurrency} / ${r.orders.wallets} / ${r.orders.n}`,
        },
        {
          metric: `RTDS messages delivered / s (${r.fanout.subscribers} subscribers)`,
          value: String(r.fanout.deliveredPerSec),
        },
        {
          metric: 'RTDS messages / s per subscriber (one per fill leg: taker + maker)',
          value: String(r.fanout.perSubscriberPerSec),
        },
        { metric: 'RTDS messages lost', value: String(r.fanout.lost) },
        {
          metric: 'RTDS delivery latency p50 / p99 ms (probe order → subscriber)',
          value: `${r.fanout.latencyP50Ms} / ${r.fanout.latencyP99Ms}`,
        },
      ],
    };
  },
};

const RESULTS = resolve('bench/results');

async function rewriteReadme(): Promise<void> {
  const files = (await readdir(RESULTS)).filter((f) => f.endsWith('.json')).sort();
  const lines = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (`bench/run.ts`); one section per scenario, from `bench/results/<scenario>.json`.',
    '',
  ];
  for (const f of files) {
    const r = JSON.parse(await readFile(join(RESULTS, f), 'utf8')) as {
      scenario: string;
      date: string;
      machine: { cpus: number; cpu: string; node: string };
      rows?: Row[];
    };
    lines.push(
      `## ${r.scenario}`,
      '',
      `${r.date} · ${r.machine.cpus} × ${r.machine.cpu} · Node ${r.machine.node}`,
      '',
    );
    lines.push('| metric | value |', '|---|---|');
    for (const row of r.rows ?? []) lines.push(`| ${row.metric} | ${row.value} |`);
    lines.push('');
  }
  await writeFile(join(RESULTS, 'README.md'), lines.join('\n'));
}

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const selected = names.length === 0 ? Object.keys(SCENARIOS) : names;
  for (const name of selected)
    if (!(name in SCENARIOS))
      throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  await mkdir(RESULTS, { recursive: true });
  const out: Record<string, unknown> = {};
  for (const name of selected) {
    const { result, rows } = await (SCENARIOS[name] as Scenario)();
    const record = { scenario: name, date: new Date().toISOString(), machine: machine(), result, rows };
    await writeFile(join(RESULTS, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
    out[name] = result;
  }
  await rewriteReadme();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
