// Follows a trader: creates the traders row for a wallet seen for the first time, enforces the
// tier's number of followed traders (active + paused count), requires credentials for live mode,
// and keeps traders.follower_count right, all in one transaction. Following a trader whose earlier
// relationship was stopped starts it again (one row per user and trader) with the settings it had
// when stopped: a person's tuning is not silently thrown away. The preset and the request's own
// settings still apply on top; copyOpenPositions, an action at follow time, is never carried over.
// Live mode places real orders: with 2FA on it needs a fresh code, spent in the follow's transaction
// (the step-up rule of two-factor.ts), from the API and the Telegram bot alike.
//
// Settings: the defaults of a new follow (NEW_FOLLOW_DEFAULTS) or a stopped follow's own settings,
// then the preset's when presetId is given, then the request's own. With copyOpenPositions the leader's current open positions are
// read first (a venue failure refuses the follow, 503, nothing written) and their copies are
// decided and queued in the follow's own transaction (copy-open-positions.ts).
import type { Updateable } from 'kysely';
import type { Clock } from '../auth/clock.ts';
import { withTransaction, type Db, type Tx } from '../db/client.ts';
import { settingsOfRow } from '../db/relationship-settings.ts';
import type { CopyRelationshipsTable } from '../db/schema.ts';
import { NEW_FOLLOW_DEFAULTS, parseCopySettings, settingsProblems } from '../domain/copy-settings.ts';
import type { MasterKey } from '../vault/master-key.ts';
import { withSecondFactor } from './two-factor.ts';
import { AppError } from './app-error.ts';
import {
  queueOpenPositionCopies,
  readOpenPositions,
  type OpenPositionDecision,
  type OpenPositionsDeps,
  type OpenPositionsSnapshot,
} from './copy-open-positions.ts';
import { loadPreset } from './copy-presets.ts';
import {
  checkSettings,
  limitsOf,
  lockUser,
  mergeSettings,
  refreshSizingInputs,
  requireActiveCredential,
  settingsToColumns,
  type FollowSettings,
  type SizingSnapshots,
  type UserLimitsRow,
} from './follow-settings.ts';
import { toFollowView, type FollowView } from './follow-view.ts';

export interface FollowInput extends FollowSettings {
  traderWallet: string;
  mode: 'live' | 'paper';
  presetId?: string | undefined;
}

export interface FollowDeps {
  db: Db;
  clock: Clock;
  masterKey: MasterKey;
  /** Reading a leader's open positions; without it copyOpenPositions answers 503. */
  openPositions?: OpenPositionsDeps | undefined;
  sizingSnapshots?: SizingSnapshots | undefined;
}

export type FollowResult = FollowView & { openPositions?: OpenPositionDecision[] };

export async function followTrader(
  deps: FollowDeps,
  userId: string,
  input: FollowInput,
  totp?: string,
): Promise<FollowResult> {
  // Addresses are stored lowercase so one wallet is one trader whatever its checksum casing.
  const wallet = input.traderWallet.toLowerCase();
  const { traderWallet: _w, mode: _m, presetId, ...requested } = input;
  const preset = presetId === undefined ? null : await loadPreset(deps.db, userId, presetId);
  const stopped = await stoppedFollow(deps.db, userId, wallet);
  const base = stopped ? { ...settingsOfRow(stopped), copyOpenPositions: false } : NEW_FOLLOW_DEFAULTS;
  const settings = mergeSettings(mergeSettings(base, preset?.settings ?? {}), requested);
  // Settings that cannot work are refused before anything is read from the venue.
  const problems = settingsProblems(settings);
  if (problems.length > 0) throw new AppError('validation_failed', problems.join('; '));
  let snapshot: OpenPositionsSnapshot | null = null;
  if (settings.copyOpenPositions) {
    if (!deps.openPositions)
      throw new AppError(
        'venue_unavailable',
        'copying open positions is not available: no venue to read them from',
      );
    snapshot = await readOpenPositions(deps.openPositions, wallet, deps.clock());
  }

  const run = <T>(work: (tx: Tx) => Promise<T>) =>
    input.mode === 'live' ? withSecondFactor(deps, userId, totp, work) : withTransaction(deps.db, work);
  const view = await run(async (tx) => {
    const user = await lockUser(tx, userId);
    const existing = await checkCanFollow(tx, userId, wallet, user);
    checkSettings(settings, user);
    if (input.mode === 'live') await requireActiveCredential(tx, userId);

    await tx
      .insertInto('traders')
      .values({ wallet_address: wallet })
      .onConflict((oc) => oc.column('wallet_address').doNothing())
      .execute();
    // Every setting is written explicitly (a restart replaces the old settings whole).
    const columns = {
      ...settingsToColumns(settings),
      preset_id: presetId ?? stopped?.preset_id ?? null,
      mode: input.mode,
      status: 'active' as const,
      pause_reason: null,
      pause_detail: null,
      consecutive_failures: 0,
    };
    const row = await writeRelationship(tx, existing, { userId, wallet, columns });
    const view: FollowResult = toFollowView(row);
    if (snapshot && deps.openPositions) {
      view.openPositions = await queueOpenPositionCopies(
        tx,
        deps.openPositions,
        {
          relationshipId: row.id,
          userId,
          mode: input.mode,
          tier: user.subscription_tier,
          settings: parseCopySettings(settings),
          userLimits: limitsOf(user),
        },
        snapshot,
      );
    }
    return view;
  });
  await refreshSizingInputs(deps.sizingSnapshots, { userId, ...view });
  return view;
}

/**
 * The user's stopped relationship with this trader, if any. Read before the follow's transaction (the
 * settings decide whether the venue is read first); a stopped row cannot be edited meanwhile, and
 * checkCanFollow re-reads its status under the user's lock.
 */
async function stoppedFollow(db: Db, userId: string, wallet: string) {
  return db
    .selectFrom('copy_relationships')
    .selectAll()
    .where('user_id', '=', userId)
    .where('trader_wallet_address', '=', wallet)
    .where('status', '=', 'stopped')
    .executeTakeFirst();
}

/** Inserts the follow (or restarts a stopped one) and counts the trader's new follower. */
async function writeRelationship(
  tx: Tx,
  existing: string | null,
  follow: { userId: string; wallet: string; columns: Record<string, unknown> },
) {
  // The settings' columns come from one mapping (src/db/relationship-settings.ts).
  const columns = follow.columns as Updateable<CopyRelationshipsTable>;
  const row = existing
    ? await tx
        .updateTable('copy_relationships')
        .set({ ...columns, paused_at: null, stopped_at: null, stop_positions: null })
        .where('id', '=', existing)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await tx
        .insertInto('copy_relationships')
        .values({ ...columns, user_id: follow.userId, trader_wallet_address: follow.wallet })
        .returningAll()
        .executeTakeFirstOrThrow();
  await tx
    .updateTable('traders')
    .set((e) => ({ follower_count: e('follower_count', '+', 1) }))
    .where('wallet_address', '=', follow.wallet)
    .execute();
  return row;
}

/** Refuses a second follow of the same trader and the tier's limit; returns a stopped row to restart. */
async function checkCanFollow(
  tx: Tx,
  userId: string,
  wallet: string,
  user: UserLimitsRow,
): Promise<string | null> {
  const existing = await tx
    .selectFrom('copy_relationships')
    .select(['id', 'status'])
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
  return existing?.id ?? null;
}
