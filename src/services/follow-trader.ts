// Follows a trader: creates the traders row for a wallet seen for the first time, enforces the
// tier's number of followed traders (active + paused count), requires credentials for live mode,
// and keeps traders.follower_count right, all in one transaction. Following a trader whose earlier
// relationship was stopped starts it again with the new settings (one row per user and trader).
import { sql } from 'kysely';
import { withTransaction } from '../db/client.ts';
import type { Clock } from '../auth/clock.ts';
import type { Db } from '../db/client.ts';
import { AppError } from './app-error.ts';
import {
  checkSettings,
  limitsOf,
  lockUser,
  requireActiveCredential,
  SETTING_DEFAULTS,
  settingsToColumns,
  type FollowSettings,
} from './follow-settings.ts';
import { toFollowView, type FollowView } from './follow-view.ts';

export interface FollowInput extends FollowSettings {
  traderWallet: string;
  mode: 'live' | 'paper';
}

export async function followTrader(
  deps: { db: Db; clock: Clock },
  userId: string,
  input: FollowInput,
): Promise<FollowView> {
  // Addresses are stored lowercase so one wallet is one trader whatever its checksum casing.
  const wallet = input.traderWallet.toLowerCase();
  return withTransaction(deps.db, async (tx) => {
    const user = await lockUser(tx, userId);
    const existing = await tx
      .selectFrom('copy_relationships')
      .selectAll()
      .where('user_id', '=', userId)
      .where('trader_wallet_address', '=', wallet)
      .executeTakeFirst();
    if (existing && existing.status !== 'stopped') {
      throw new AppError(
        'conflict',
        `you already follow ${wallet} (relationship ${existing.id}, ${existing.status})`,
      );
    }
    const { count } = await tx
      .selectFrom('copy_relationships')
      .select((e) => e.fn.countAll<string>().as('count'))
      .where('user_id', '=', userId)
      .where('status', 'in', ['active', 'paused'])
      .executeTakeFirstOrThrow();
    const max = limitsOf(user).maxFollowedTraders;
    if (Number(count) >= max) {
      throw new AppError(
        'tier_limit_reached',
        `your ${user.subscription_tier} tier allows following ${max} traders; stop one or upgrade`,
      );
    }
    checkSettings(
      {
        maxInvestmentPerTradeUsd: input.maxInvestmentPerTradeUsd ?? SETTING_DEFAULTS.maxInvestmentPerTradeUsd,
        maxTotalExposureUsd: input.maxTotalExposureUsd ?? SETTING_DEFAULTS.maxTotalExposureUsd,
        minTradeSizeUsd:
          input.minTradeSizeUsd === undefined ? SETTING_DEFAULTS.minTradeSizeUsd : input.minTradeSizeUsd,
        allowedMarkets: input.allowedMarkets ?? null,
        excludedMarkets: input.excludedMarkets ?? null,
      },
      user,
    );
    if (input.mode === 'live') await requireActiveCredential(tx, userId);

    await tx
      .insertInto('traders')
      .values({ wallet_address: wallet })
      .onConflict((oc) => oc.column('wallet_address').doNothing())
      .execute();
    const columns = settingsToColumns(input);
    let row;
    if (existing) {
      // Restart: the new request's settings, the seed's defaults for anything it leaves out.
      row = await tx
        .updateTable('copy_relationships')
        .set({
          proportionality_factor: sql`DEFAULT`,
          max_investment_per_trade_usd: sql`DEFAULT`,
          max_total_exposure_usd: sql`DEFAULT`,
          min_trade_size_usd: sql`DEFAULT`,
          max_slippage_percent: sql`DEFAULT`,
          stop_loss_percent: null,
          take_profit_percent: null,
          allowed_markets: null,
          excluded_markets: null,
          ...columns,
          mode: input.mode,
          status: 'active',
          paused_at: null,
          stopped_at: null,
          stop_positions: null,
        })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } else {
      row = await tx
        .insertInto('copy_relationships')
        .values({ user_id: userId, trader_wallet_address: wallet, mode: input.mode, ...columns })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    await tx
      .updateTable('traders')
      .set((e) => ({ follower_count: e('follower_count', '+', 1) }))
      .where('wallet_address', '=', wallet)
      .execute();
    return toFollowView(row);
  });
}
