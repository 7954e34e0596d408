// Synthetic market catalogue: Gamma-like metadata for binary markets and multi-outcome
// neg-risk events, generated deterministically from a PRNG stream. The server renders Gamma
// `/markets` and `/events` and CLOB `/markets-by-token` from these records.
import type { EngineMarket } from '../engine/types.ts';
import type { Prng } from '../engine/prng.ts';

export type Category = 'POLITICS' | 'SPORTS' | 'CRYPTO' | 'ECONOMICS' | 'CULTURE' | 'TECH' | 'WEATHER';

export interface FeeSchedule {
  exponent: number;
  rate: number;
  takerOnly: boolean;
  rebateRate: number;
}

/**
 * How much liquidity the market makers bring to a market: `top` markets carry thousands of dollars
 * within two cents of the mid on a one-cent spread, `thin` ones a few dozen shares on a wide one.
 * Multiplies the makers' level size and half spread (set by the Simulation when the market opens).
 */
export interface MarketLiquidity {
  readonly tier: 'top' | 'mid' | 'thin';
  readonly depthFactor: number;
  readonly spreadFactor: number;
}

export interface SimMarket {
  /** Gamma's own numeric id (a string), not the conditionId. */
  readonly id: string;
  readonly question: string;
  readonly slug: string;
  readonly description: string;
  /** 0x + 64 hex. */
  readonly conditionId: string;
  readonly questionId: string;
  /** [YES, NO] token ids as decimal strings; aligned with `outcomes`. */
  readonly clobTokenIds: readonly [string, string];
  readonly outcomes: readonly [string, string];
  readonly tickSize: string;
  readonly minOrderSize: string;
  readonly negRisk: boolean;
  readonly negRiskMarketId: string | null;
  /** Outcome label inside a neg-risk event (e.g. the candidate), '' for standalone markets. */
  readonly groupItemTitle: string;
  readonly category: Category;
  readonly feeSchedule: FeeSchedule;
  readonly feeRateBps: number;
  readonly icon: string;
  readonly startDate: number;
  readonly endDate: number;
  readonly event: SimEvent;
  engine: EngineMarket | null;
  liquidity: MarketLiquidity;
  closed: boolean;
  closedTime: number;
  /** Winning outcome index once resolved. */
  winner: -1 | 0 | 1;
}

export interface SimEvent {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly category: Category;
  readonly negRisk: boolean;
  readonly negRiskMarketId: string | null;
  readonly startDate: number;
  readonly endDate: number;
  readonly markets: SimMarket[];
  closed: boolean;
}

const PLACES = [
  'Ohio',
  'Texas',
  'Quebec',
  'Bavaria',
  'Kyoto',
  'Lagos',
  'Chile',
  'Norway',
  'Kenya',
  'Peru',
  'Oregon',
  'Wales',
];
const OFFICES = ['governor', 'senate', 'mayoral', 'presidential', 'parliamentary'];
const FIRST = [
  'Ana',
  'Ben',
  'Chloe',
  'Dmitri',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Keiko',
  'Luis',
  'Mara',
  'Nils',
];
const LAST = [
  'Alvarez',
  'Brandt',
  'Chen',
  'Duarte',
  'Eriksen',
  'Fischer',
  'Gupta',
  'Haddad',
  'Ito',
  'Kowalski',
  'Moreau',
  'Novak',
];
const TEAMS = [
  'Falcons',
  'Comets',
  'Tigers',
  'Harbor FC',
  'Rovers',
  'Vikings',
  'Storm',
  'United',
  'Rangers',
  'Pilots',
];
const LEAGUES = ['Premier Cup', 'Continental League', 'Grand Series', 'Open'];
const COINS = ['BTC', 'ETH', 'SOL', 'DOGE', 'AVAX', 'LINK'];
const TECH = ['OpenLab', 'Quantix', 'NovaChip', 'Skyward', 'Heliox'];
const CITIES = ['Chicago', 'Madrid', 'Seoul', 'Sydney', 'Toronto', 'Cairo'];

function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 90);
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface MarketDefaults {
  /** Taker fee rate (fraction, e.g. 0.02) by category; missing = 0. */
  feeRates?: Partial<Record<Category, number>>;
}

const DEFAULT_FEES: Record<Category, number> = {
  POLITICS: 0.02,
  SPORTS: 0.03,
  CRYPTO: 0.02,
  ECONOMICS: 0.02,
  CULTURE: 0.02,
  TECH: 0.02,
  WEATHER: 0.02,
};

/** Creates events and their markets with unique, deterministic ids and slugs. */
export class MarketFactory {
  private nextGammaId = 500_000;
  private nextEventId = 20_000;
  private readonly usedSlugs = new Set<string>();
  private readonly feeRates: Record<Category, number>;

  constructor(
    private readonly rng: Prng,
    defaults: MarketDefaults = {},
  ) {
    this.feeRates = { ...DEFAULT_FEES, ...defaults.feeRates };
  }

  /** A standalone binary market in its own (non-neg-risk) event. */
  binary(now: number, endDate: number): SimEvent {
    const r = this.rng;
    const day = isoDay(endDate);
    const kind = r.int(5);
    let category: Category;
    let question: string;
    if (kind === 0) {
      category = 'CRYPTO';
      const coin = r.pick(COINS);
      const level = [1, 2, 5][r.int(3)]! * 10 ** r.intBetween(1, 4);
      question = `Will ${coin} be above $${level.toLocaleString('en-US')} on ${day}?`;
    } else if (kind === 1) {
      category = 'SPORTS';
      question = `Will the ${r.pick(TEAMS)} beat the ${r.pick(TEAMS)} by ${day}?`;
    } else if (kind === 2) {
      category = 'POLITICS';
      question = `Will ${r.pick(FIRST)} ${r.pick(LAST)} win the ${r.pick(PLACES)} ${r.pick(OFFICES)} primary?`;
    } else if (kind === 3) {
      category = 'TECH';
      question = `Will ${r.pick(TECH)} announce a new model before ${day}?`;
    } else {
      category = 'WEATHER';
      question = `Will ${r.pick(CITIES)} record over ${r.intBetween(20, 40)}°C before ${day}?`;
    }
    const ev = this.event(now, endDate, question, category, false);
    ev.markets.push(this.market(ev, question, '', now, endDate));
    return ev;
  }

  /** A multi-outcome neg-risk event: one binary market per outcome, exactly one resolves YES. */
  negRisk(now: number, endDate: number, outcomes: number): SimEvent {
    const r = this.rng;
    let title: string;
    let category: Category;
    let names: string[];
    let q: (name: string) => string;
    if (r.chance(0.5)) {
      category = 'POLITICS';
      const place = r.pick(PLACES);
      const office = r.pick(OFFICES);
      title = `${place} ${office} election winner`;
      names = uniqueNames(r, outcomes, () => `${r.pick(FIRST)} ${r.pick(LAST)}`);
      q = (n) => `Will ${n} win the ${place} ${office} election?`;
    } else {
      category = 'SPORTS';
      const league = r.pick(LEAGUES);
      title = `${league} champion ${isoDay(endDate).slice(0, 4)}`;
      names = uniqueNames(r, outcomes, () => r.pick(TEAMS));
      q = (n) => `Will the ${n} win the ${league}?`;
    }
    const ev = this.event(now, endDate, title, category, true);
    for (const name of names) ev.markets.push(this.market(ev, q(name), name, now, endDate));
    return ev;
  }

  private event(now: number, endDate: number, title: string, category: Category, negRisk: boolean): SimEvent {
    const id = String(this.nextEventId++);
    return {
      id,
      slug: this.uniqueSlug(title),
      title,
      description: `Synthetic ${category.toLowerCase()} event generated by the polycopy simulator.`,
      category,
      negRisk,
      negRiskMarketId: negRisk ? `0x${this.rng.hex(32)}` : null,
      startDate: now,
      endDate,
      markets: [],
      closed: false,
    };
  }

  private market(
    ev: SimEvent,
    question: string,
    groupItemTitle: string,
    now: number,
    endDate: number,
  ): SimMarket {
    const r = this.rng;
    const rate = this.feeRates[ev.category] ?? 0;
    return {
      id: String(this.nextGammaId++),
      question,
      slug: this.uniqueSlug(question),
      description: `This market resolves to "Yes" if: ${question} Resolution is drawn by the simulator at the end date.`,
      conditionId: `0x${r.hex(32)}`,
      questionId: `0x${r.hex(32)}`,
      clobTokenIds: [r.uint256Decimal(), r.uint256Decimal()],
      outcomes: ['Yes', 'No'],
      // Mostly cent ticks; some markets use the finer 0.001 grid.
      tickSize: r.chance(0.2) ? '0.001' : '0.01',
      minOrderSize: '5',
      negRisk: ev.negRisk,
      negRiskMarketId: ev.negRiskMarketId,
      groupItemTitle,
      category: ev.category,
      feeSchedule: { exponent: 1, rate, takerOnly: true, rebateRate: 0 },
      feeRateBps: Math.round(rate * 10_000),
      icon: `https://polymarket-sim.local/icons/${ev.category.toLowerCase()}.png`,
      startDate: now,
      endDate,
      event: ev,
      engine: null,
      liquidity: { tier: 'mid', depthFactor: 1, spreadFactor: 1 },
      closed: false,
      closedTime: 0,
      winner: -1,
    };
  }

  private uniqueSlug(text: string): string {
    const base = slugify(text) || 'market';
    let slug = base;
    for (let i = 2; this.usedSlugs.has(slug); i++) slug = `${base}-${i}`;
    this.usedSlugs.add(slug);
    return slug;
  }
}

function uniqueNames(r: Prng, n: number, make: () => string): string[] {
  const out = new Set<string>();
  for (let guard = 0; out.size < n && guard < n * 50; guard++) out.add(make());
  for (let i = out.size; out.size < n; i++) out.add(`Outcome ${i + 1}`);
  return [...out];
}
