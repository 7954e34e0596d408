// `npm run bench -- [scenario...]`: runs named benchmark scenarios, writes
// bench/results/<scenario>.json, rewrites the table in bench/results/README.md from every result
// file present, and prints one JSON object (all results of this run) on the last stdout line.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { analyticsRows, benchAnalytics } from './analytics.ts';
import { apiRows, benchApi } from './api.ts';
import { benchDetection, detectionRows } from './detection.ts';
import { benchFanout, benchLatency } from './engine.ts';
import { benchFidelity, fidelityRows } from './fidelity.ts';
import { benchSimulator, machine } from './simulator.ts';
import { benchTelegram, telegramRows } from './telegram.ts';

type Row = { metric: string; value: string };
/** `key` names the result file and section when one scenario has several sizes (fanout-1000). */
type Scenario = () => Promise<{ result: unknown; rows: Row[]; key?: string }>;

// `--name value` options (e.g. `fanout --followers 1000`); every other argument names a scenario.
const argv = process.argv.slice(2);
const flags = new Map<string, string>();
const positional: string[] = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a.startsWith('--')) {
    const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (v !== undefined) flags.set(k, v);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags.set(k, argv[++i]!);
    else flags.set(k, 'true');
  } else positional.push(a);
}
const numFlag = (name: string): number | undefined => {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
};

type EngineResult = Awaited<ReturnType<typeof benchFanout>> | Awaited<ReturnType<typeof benchLatency>>;
function engineRows(r: EngineResult): Row[] {
  const w = r.where_time_goes_ms;
  const d = (x: { p50: number; p99: number }) => `${x.p50} / ${x.p99}`;
  const rows: Row[] = [
    { metric: 'followers / leader fills', value: `${r.followers} / ${'fills' in r ? r.fills : 1}` },
    {
      metric: 'copy orders acknowledged / duplicates (ledger)',
      value: `${r.orders_acked} / ${r.duplicates}`,
    },
    {
      metric: 'simulator signature verification (verified / skipped)',
      value: `${r.simulator_verification.mode} (${r.simulator_verification.verified} / ${r.simulator_verification.skipped})`,
    },
    { metric: 'seconds (first detection → last ack)', value: String(r.seconds) },
    { metric: 'copy orders / s', value: String(r.orders_per_s) },
    { metric: 'detection → post p50 / p99 ms', value: d(r.latency_ms) },
    { metric: 'post → ack p50 / p99 ms', value: d(r.post_to_ack_ms) },
    ...('cpu_ms_per_copy' in r
      ? [
          { metric: 'engine CPU ms per copy', value: String(r.cpu_ms_per_copy) },
          {
            metric: 'detection → post p50 by follower decile ms (last − first)',
            value: `${r.latency_by_follower_decile.p50_ms.join(' · ')} (${r.latency_by_follower_decile.spread_last_minus_first_ms})`,
          },
        ]
      : []),
    {
      metric: 'fan-out DB transaction ms',
      value: String(
        typeof w.fanout_db_transaction === 'number' ? w.fanout_db_transaction : d(w.fanout_db_transaction),
      ),
    },
    { metric: 'detection → claim p50 / p99 ms', value: d(w.detect_to_claim) },
    ...('claim_to_context_read' in w
      ? [{ metric: 'claim → context read p50 / p99 ms', value: d(w.claim_to_context_read) }]
      : []),
    {
      metric: 'credential decrypt + venue build p50 / p99 ms',
      value: d(w.credential_decrypt_and_venue_build),
    },
    ...('pricing_reads_wall' in w
      ? [
          { metric: 'pricing reads (wall) p50 / p99 ms', value: d(w.pricing_reads_wall) },
          { metric: 'admission transaction p50 / p99 ms', value: d(w.admission_transaction) },
        ]
      : []),
    {
      metric: 'venue reads for pricing per copy × avg ms',
      value: `${w.market_reads_per_copy} × ${w.market_reads_avg}`,
    },
    { metric: 'signing (incl. rules read) p50 / p99 ms', value: d(w.signing_incl_rules_read) },
    { metric: 'recording (ack → outcome) p50 / p99 ms', value: d(w.recording) },
  ];
  return rows;
}

const SCENARIOS: Record<string, Scenario> = {
  analytics: async () => {
    const r = await benchAnalytics({
      ...(numFlag('traders') ? { traders: numFlag('traders')! } : {}),
      ...(numFlag('fills') ? { fills: numFlag('fills')! } : {}),
      ...(numFlag('parallelism') ? { parallelism: numFlag('parallelism')! } : {}),
      ...(flags.get('work-mem') ? { workMem: flags.get('work-mem')! } : {}),
    });
    return { result: r, rows: analyticsRows(r) };
  },
  api: async () => {
    const r = await benchApi({
      ...(numFlag('seconds') ? { seconds: numFlag('seconds')! } : {}),
      ...(numFlag('connections') ? { connections: numFlag('connections')! } : {}),
      ...(numFlag('leaderboard-rate') ? { leaderboardRate: numFlag('leaderboard-rate')! } : {}),
      ...(numFlag('profile-rate') ? { profileRate: numFlag('profile-rate')! } : {}),
      ...(numFlag('portfolio-rate') ? { portfolioRate: numFlag('portfolio-rate')! } : {}),
    });
    return { result: r, rows: apiRows(r) };
  },
  detection: async () => {
    const fills = numFlag('fills');
    const r = await benchDetection(fills ? { fills } : {});
    return { result: r, rows: detectionRows(r) };
  },
  fanout: async () => {
    const followers = numFlag('followers');
    const concurrency = numFlag('concurrency');
    const verifySample = numFlag('verify-sample');
    const r = await benchFanout({
      ...(followers ? { followers } : {}),
      ...(concurrency ? { concurrency } : {}),
      ...(verifySample ? { verifySample } : {}),
    });
    // A sampled-verification run is its own result: both figures are reported (issue 14, item 10).
    const sampled =
      r.simulator_verification.verifySample > 1
        ? `-verify-1-in-${r.simulator_verification.verifySample}`
        : '';
    return { result: r, rows: engineRows(r), key: `fanout-${r.followers}${sampled}` };
  },
  fidelity: async () => {
    const r = await benchFidelity({
      ...(numFlag('days') ? { days: numFlag('days')! } : {}),
      ...(numFlag('leaders') ? { leaders: numFlag('leaders')! } : {}),
      ...(numFlag('latency-ms') ? { latencyMs: numFlag('latency-ms')! } : {}),
      ...(numFlag('seed') ? { seed: numFlag('seed')! } : {}),
    });
    return { result: r, rows: fidelityRows(r) };
  },
  latency: async () => {
    const fills = numFlag('fills');
    const verifySample = numFlag('verify-sample');
    const r = await benchLatency({ ...(fills ? { fills } : {}), ...(verifySample ? { verifySample } : {}) });
    return { result: r, rows: engineRows(r) };
  },
  telegram: async () => {
    const users = numFlag('users');
    const r = await benchTelegram(users ? { users } : {});
    return { result: r, rows: telegramRows(r) };
  },
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
  const selected = positional.length === 0 ? Object.keys(SCENARIOS) : positional;
  for (const name of selected)
    if (!(name in SCENARIOS))
      throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  await mkdir(RESULTS, { recursive: true });
  const out: Record<string, unknown> = {};
  for (const name of selected) {
    const { result, rows, key = name } = await (SCENARIOS[name] as Scenario)();
    const record = { scenario: key, date: new Date().toISOString(), machine: machine(), result, rows };
    await writeFile(join(RESULTS, `${key}.json`), `${JSON.stringify(record, null, 2)}\n`);
    out[name] = result;
  }
  await rewriteReadme();
  // One scenario that names itself prints its own object; several print { name: result }.
  const only = selected.length === 1 ? out[selected[0]!] : undefined;
  const line = only !== null && typeof only === 'object' && 'scenario' in only ? only : out;
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

await main();
