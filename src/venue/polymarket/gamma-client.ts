// Gamma API client (docs/polymarket-api.md §2): market and event discovery. Gamma's quirks are
// absorbed here: `outcomes`, `outcomePrices` and `clobTokenIds` are JSON-encoded *strings*,
// numbers are JSON numbers (parsed losslessly), and `closed` defaults to false since 2026-04-09.
// Protocol V2 markets (`version: "v2"`) list their ids in `positionIds`; the id field is chosen by
// `version`, never by whichever field happens to be present (§2.3).
import { z } from 'zod';
import type { Decimal } from '../../domain/money.ts';
import type { PolymarketHttpClient, QueryValue } from './http-client.ts';
import { JsonNumber } from './lossless-json.ts';
import {
  boolField,
  decimalField,
  jsonDecimalArrayField,
  jsonStringArrayField,
  optionalDecimalField,
  optionalIntField,
  textField,
} from './wire-fields.ts';

// Ids are strings in Gamma's schema; tolerate a number without routing it through a float.
const idField = z
  .union([z.string(), z.instanceof(JsonNumber)])
  .optional()
  .transform((v) => (v === undefined ? '' : typeof v === 'string' ? v : v.text));

const dateField = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => {
    if (v === null || v === undefined || v === '') return null;
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : new Date(t);
  });

const feeScheduleSchema = z
  .object({
    exponent: optionalIntField,
    rate: decimalField,
    takerOnly: boolField.optional(),
    rebateRate: optionalDecimalField,
  })
  .nullish();

const gammaMarketWire = z.object({
  id: idField,
  question: textField,
  slug: textField,
  description: textField,
  conditionId: textField,
  questionID: textField,
  outcomes: jsonStringArrayField,
  outcomePrices: jsonDecimalArrayField,
  clobTokenIds: jsonStringArrayField,
  positionIds: jsonStringArrayField.optional(),
  version: z.string().nullish(),
  active: boolField.optional(),
  closed: boolField.optional(),
  archived: boolField.optional(),
  restricted: boolField.optional(),
  acceptingOrders: boolField.optional(),
  enableOrderBook: boolField.optional(),
  startDate: dateField,
  endDate: dateField,
  orderPriceMinTickSize: optionalDecimalField,
  orderMinSize: optionalDecimalField,
  negRisk: boolField.optional(),
  negRiskMarketID: textField,
  bestBid: optionalDecimalField,
  bestAsk: optionalDecimalField,
  lastTradePrice: optionalDecimalField,
  volume: optionalDecimalField,
  liquidity: optionalDecimalField,
  feesEnabled: boolField.optional(),
  feeSchedule: feeScheduleSchema,
  umaResolutionStatus: textField,
  // [{id, label, slug}]; only the names matter here (a follow's category filter reads them).
  tags: z
    .unknown()
    .optional()
    .transform((v) =>
      Array.isArray(v)
        ? v.flatMap((t: unknown) => {
            if (typeof t === 'string') return [t];
            if (typeof t !== 'object' || t === null) return [];
            const { label, slug } = t as { label?: unknown; slug?: unknown };
            return [label, slug].filter((x): x is string => typeof x === 'string' && x !== '');
          })
        : [],
    ),
});

export interface GammaMarket {
  /** Gamma's own id (not the condition id). */
  readonly id: string;
  readonly question: string;
  readonly slug: string;
  readonly description: string;
  readonly conditionId: string;
  readonly questionId: string;
  readonly outcomes: readonly string[];
  readonly outcomePrices: readonly Decimal[];
  /** Tradeable token ids in outcome order: clobTokenIds for v1 markets, positionIds for v2. */
  readonly tokenIds: readonly string[];
  readonly version: 'v1' | 'v2';
  readonly active: boolean;
  readonly closed: boolean;
  readonly archived: boolean;
  readonly acceptingOrders: boolean;
  readonly enableOrderBook: boolean;
  readonly startDate: Date | null;
  readonly endDate: Date | null;
  readonly tickSize: Decimal | null;
  readonly minOrderSize: Decimal | null;
  readonly negRisk: boolean;
  readonly negRiskMarketId: string;
  readonly bestBid: Decimal | null;
  readonly bestAsk: Decimal | null;
  readonly lastTradePrice: Decimal | null;
  readonly volume: Decimal | null;
  readonly liquidity: Decimal | null;
  readonly feesEnabled: boolean;
  readonly feeSchedule: {
    readonly rate: Decimal;
    readonly exponent: number;
    readonly takerOnly: boolean;
    readonly rebateRate: Decimal | null;
  } | null;
  readonly umaResolutionStatus: string;
  /** Tag labels and slugs. */
  readonly tags: readonly string[];
}

export const gammaMarketSchema = gammaMarketWire.transform((m): GammaMarket => {
  const version = m.version === 'v2' ? 'v2' : 'v1';
  return {
    id: m.id,
    question: m.question,
    slug: m.slug,
    description: m.description,
    conditionId: m.conditionId,
    questionId: m.questionID,
    outcomes: m.outcomes,
    outcomePrices: m.outcomePrices,
    tokenIds: version === 'v2' ? (m.positionIds ?? []) : m.clobTokenIds,
    version,
    active: m.active ?? false,
    closed: m.closed ?? false,
    archived: m.archived ?? false,
    acceptingOrders: m.acceptingOrders ?? false,
    enableOrderBook: m.enableOrderBook ?? false,
    startDate: m.startDate,
    endDate: m.endDate,
    tickSize: m.orderPriceMinTickSize,
    minOrderSize: m.orderMinSize,
    negRisk: m.negRisk ?? false,
    negRiskMarketId: m.negRiskMarketID,
    bestBid: m.bestBid,
    bestAsk: m.bestAsk,
    lastTradePrice: m.lastTradePrice,
    volume: m.volume,
    liquidity: m.liquidity,
    feesEnabled: m.feesEnabled ?? false,
    feeSchedule: m.feeSchedule
      ? {
          rate: m.feeSchedule.rate,
          exponent: m.feeSchedule.exponent ?? 1,
          takerOnly: m.feeSchedule.takerOnly ?? true,
          rebateRate: m.feeSchedule.rebateRate,
        }
      : null,
    umaResolutionStatus: m.umaResolutionStatus,
    tags: m.tags,
  };
});

export const gammaEventSchema = z.object({
  id: idField,
  slug: textField,
  title: textField,
  description: textField,
  startDate: dateField,
  endDate: dateField,
  active: boolField.optional(),
  closed: boolField.optional(),
  archived: boolField.optional(),
  negRisk: boolField.optional(),
  enableNegRisk: boolField.optional(),
  negRiskAugmented: boolField.optional(),
  negRiskMarketID: textField,
  volume: optionalDecimalField,
  liquidity: optionalDecimalField,
  openInterest: optionalDecimalField,
  markets: z
    .array(gammaMarketSchema)
    .nullish()
    .transform((m) => m ?? []),
});
export type GammaEvent = z.infer<typeof gammaEventSchema>;

/** `GET /markets` query (§2.2). Arrays are sent as repeated keys. */
export interface GammaMarketsQuery {
  readonly limit?: number;
  readonly offset?: number;
  /** Comma-separated field names. */
  readonly order?: string;
  readonly ascending?: boolean;
  readonly id?: readonly string[];
  readonly slug?: readonly string[];
  readonly clobTokenIds?: readonly string[];
  readonly conditionIds?: readonly string[];
  readonly questionIds?: readonly string[];
  readonly marketMakerAddress?: readonly string[];
  readonly liquidityNumMin?: string;
  readonly liquidityNumMax?: string;
  readonly volumeNumMin?: string;
  readonly volumeNumMax?: string;
  readonly startDateMin?: string;
  readonly startDateMax?: string;
  readonly endDateMin?: string;
  readonly endDateMax?: string;
  readonly tagId?: number;
  readonly relatedTags?: boolean;
  readonly includeTag?: boolean;
  readonly cyom?: boolean;
  readonly umaResolutionStatus?: string;
  readonly gameId?: string;
  readonly sportsMarketTypes?: readonly string[];
  readonly rewardsMinSize?: string;
  /** The server defaults to false (open markets only). */
  readonly closed?: boolean;
  /** Undocumented but widely used (§2.2 UNCERTAIN). */
  readonly active?: boolean;
}

/** `GET /events` query (§2.2). */
export interface GammaEventsQuery {
  readonly limit?: number;
  readonly offset?: number;
  readonly order?: string;
  readonly ascending?: boolean;
  readonly id?: readonly string[];
  readonly tagId?: number;
  readonly excludeTagId?: readonly string[];
  readonly slug?: readonly string[];
  readonly tagSlug?: string;
  readonly relatedTags?: boolean;
  readonly active?: boolean;
  readonly archived?: boolean;
  readonly featured?: boolean;
  readonly cyom?: boolean;
  readonly includeChat?: boolean;
  readonly includeTemplate?: boolean;
  readonly recurrence?: string;
  readonly closed?: boolean;
  readonly liquidityMin?: string;
  readonly liquidityMax?: string;
  readonly volumeMin?: string;
  readonly volumeMax?: string;
  readonly startDateMin?: string;
  readonly startDateMax?: string;
  readonly endDateMin?: string;
  readonly endDateMax?: string;
}

export class GammaClient {
  constructor(private readonly http: PolymarketHttpClient) {}

  private get<T>(
    path: string,
    schema: z.ZodType<T>,
    family: 'gamma.general' | 'gamma.markets' | 'gamma.events',
    query: Record<string, QueryValue> = {},
  ): Promise<T> {
    return this.http.request({ method: 'GET', path, query, schema, family, operation: 'read' });
  }

  getMarkets(query: GammaMarketsQuery = {}): Promise<GammaMarket[]> {
    return this.get('/markets', z.array(gammaMarketSchema), 'gamma.markets', {
      limit: query.limit,
      offset: query.offset,
      order: query.order,
      ascending: query.ascending,
      id: query.id,
      slug: query.slug,
      clob_token_ids: query.clobTokenIds,
      condition_ids: query.conditionIds,
      question_ids: query.questionIds,
      market_maker_address: query.marketMakerAddress,
      liquidity_num_min: query.liquidityNumMin,
      liquidity_num_max: query.liquidityNumMax,
      volume_num_min: query.volumeNumMin,
      volume_num_max: query.volumeNumMax,
      start_date_min: query.startDateMin,
      start_date_max: query.startDateMax,
      end_date_min: query.endDateMin,
      end_date_max: query.endDateMax,
      tag_id: query.tagId,
      related_tags: query.relatedTags,
      include_tag: query.includeTag,
      cyom: query.cyom,
      uma_resolution_status: query.umaResolutionStatus,
      game_id: query.gameId,
      sports_market_types: query.sportsMarketTypes,
      rewards_min_size: query.rewardsMinSize,
      closed: query.closed,
      active: query.active,
    });
  }

  /** A market by slug, or null (404). */
  async getMarketBySlug(slug: string): Promise<GammaMarket | null> {
    return this.get(`/markets/slug/${encodeURIComponent(slug)}`, gammaMarketSchema, 'gamma.general').catch(
      nullOnNotFound,
    );
  }

  getEvents(query: GammaEventsQuery = {}): Promise<GammaEvent[]> {
    return this.get('/events', z.array(gammaEventSchema), 'gamma.events', {
      limit: query.limit,
      offset: query.offset,
      order: query.order,
      ascending: query.ascending,
      id: query.id,
      tag_id: query.tagId,
      exclude_tag_id: query.excludeTagId,
      slug: query.slug,
      tag_slug: query.tagSlug,
      related_tags: query.relatedTags,
      active: query.active,
      archived: query.archived,
      featured: query.featured,
      cyom: query.cyom,
      include_chat: query.includeChat,
      include_template: query.includeTemplate,
      recurrence: query.recurrence,
      closed: query.closed,
      liquidity_min: query.liquidityMin,
      liquidity_max: query.liquidityMax,
      volume_min: query.volumeMin,
      volume_max: query.volumeMax,
      start_date_min: query.startDateMin,
      start_date_max: query.startDateMax,
      end_date_min: query.endDateMin,
      end_date_max: query.endDateMax,
    });
  }

  async getEventBySlug(slug: string): Promise<GammaEvent | null> {
    return this.get(`/events/slug/${encodeURIComponent(slug)}`, gammaEventSchema, 'gamma.general').catch(
      nullOnNotFound,
    );
  }
}

function nullOnNotFound(error: unknown): null {
  if (error && typeof error === 'object' && (error as { kind?: unknown }).kind === 'not_found') return null;
  throw error;
}
