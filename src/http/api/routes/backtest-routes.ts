// POST /traders/{wallet}/backtest — "what would copying this trader have done": signed-in users
// only (it replays up to 90 days of fills through the engine's rules, so it is priced in the
// per-user rate limit), reads only, writes nothing. The body carries every copy setting a follow
// takes, with the same ranges (copy-settings-schema.ts), plus the window, the starting balance
// and the slippage model. The formulas: docs/analytics.md "What-if backtest".
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COPY_OUTCOME_REASONS } from '../../../domain/skip-reasons.ts';
import { backtestTrader, DEFAULT_SLIPPAGE_MODEL, MAX_BACKTEST_DAYS } from '../../../services/run-backtest.ts';
import type { ApiDeps } from '../api-deps.ts';
import { requireAuth } from '../request-auth.ts';
import { SettingsFields, SettingsView } from '../copy-settings-schema.ts';
import { BearerSecurity, decimalString, errors, Money, WalletSchema } from '../schemas.ts';

const Usd = (min: string, minExclusive: boolean, example: string) =>
  decimalString({ scale: 2, min, minExclusive, max: '9999999999.99', example });
const Bps = (example: string) => decimalString({ scale: 2, min: '0', max: '5000', example });
// A replay has no failed copies to count: the circuit breaker's setting does not apply.
const { maxConsecutiveFailures: _breaker, ...ReplaySettings } = SettingsFields;

const BacktestBody = z
  .strictObject({
    days: z
      .number()
      .int('must be a whole number of days')
      .min(1, 'must be at least 1')
      .max(MAX_BACKTEST_DAYS, `must be at most ${MAX_BACKTEST_DAYS}`)
      .describe('replay the last N days (1-90)'),
    startingBalanceUsd: Usd('0', true, '1000').describe('the hypothetical account starts with this much'),
    ...ReplaySettings,
    slippageModel: z
      .strictObject({
        fixedBps: Bps(DEFAULT_SLIPPAGE_MODEL.fixedBps),
        impactBpsPer1000Usd: Bps(DEFAULT_SLIPPAGE_MODEL.impactBpsPer1000Usd),
      })
      .optional()
      .describe(
        'copy price = leader price × (1 ± (fixedBps + impactBpsPer1000Usd × copy USD / 1000) / 10000); default ' +
          `${DEFAULT_SLIPPAGE_MODEL.fixedBps} + ${DEFAULT_SLIPPAGE_MODEL.impactBpsPer1000Usd} per $1,000`,
      ),
  })
  .meta({ id: 'BacktestRequest' });

const BacktestTradeSchema = z.object({
  at: z.string(),
  kind: z.enum(['copy', 'stop_loss', 'take_profit', 'resolution']),
  fillKey: z.string().nullable().describe('the leader fill copied (copies only)'),
  assetId: z.string(),
  side: z.enum(['BUY', 'SELL']),
  shares: z.string(),
  referencePrice: z.string().describe("the leader's price, or the price / payout an exit was taken at"),
  price: z.string().describe('what the follower paid or received per share under the slippage model'),
  notionalUsd: Money,
  realizedPnlUsd: Money.nullable(),
});

const BacktestResultSchema = z
  .object({
    trader: z.string(),
    from: z.string(),
    to: z.string(),
    days: z.number().int(),
    settings: z
      .object(SettingsView)
      .describe('every setting the replay used (unset ones: a new follow’s defaults)'),
    slippageModel: z.object({ fixedBps: z.string(), impactBpsPer1000Usd: z.string() }),
    startingBalanceUsd: Money,
    endingEquityUsd: Money,
    pnlUsd: Money,
    returnPercent: z.string(),
    realizedPnlUsd: Money,
    unrealizedPnlUsd: Money.describe('open positions at their current (or last seen) price minus cost'),
    fillsReplayed: z.number().int(),
    copies: z.object({ total: z.number().int(), buys: z.number().int(), sells: z.number().int() }),
    exits: z.object({
      stopLoss: z.number().int(),
      takeProfit: z.number().int(),
      resolution: z.number().int(),
    }),
    skipped: z.number().int(),
    skips: z
      .record(z.string(), z.number().int())
      .describe(`fills not copied, by reason code (${COPY_OUTCOME_REASONS.length} codes; see docs/api.md)`),
    skippedFills: z.object({
      total: z.number().int(),
      items: z
        .array(
          z.object({
            at: z.string(),
            fillKey: z.string(),
            reason: z.string().describe('the reason code the engine would have recorded'),
            detail: z.string(),
          }),
        )
        .describe('the most recent 500, oldest first'),
    }),
    equityCurve: z
      .array(
        z.object({
          date: z.string().meta({ example: '2030-01-01' }),
          equityUsd: Money,
          cashUsd: Money,
          positionsValueUsd: Money,
        }),
      )
      .describe('one point per UTC day, at its end (the last one at the time of the request)'),
    trades: z.object({
      total: z.number().int(),
      items: z.array(BacktestTradeSchema).describe('the most recent 500, oldest first'),
    }),
    openPositions: z.array(
      z.object({
        assetId: z.string(),
        shares: z.string(),
        costUsd: Money,
        markPrice: z.string(),
        markSource: z.enum(['current', 'last_seen']),
        valueUsd: Money,
      }),
    ),
  })
  .meta({ id: 'BacktestResult' });

export function backtestRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/traders/:wallet/backtest',
      {
        schema: {
          tags: ['traders'],
          summary: 'What copying this trader with these settings would have done over the last N days',
          description:
            "Replays the trader's recorded fills through the copy engine's own sizing, filters, limits " +
            'and slippage guard, with prices from a slippage model. Writes nothing.',
          security: BearerSecurity,
          params: z.strictObject({ wallet: WalletSchema }),
          body: BacktestBody,
          response: { 200: BacktestResultSchema, ...errors(400, 401, 404, 422) },
        },
      },
      async (req) => backtestTrader(deps, requireAuth(req).userId, req.params.wallet, req.body),
    );
  };
}
