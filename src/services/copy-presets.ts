// Presets: named copy-setting templates a user saves and applies to new follows (POST /follows with
// presetId). A preset holds any subset of the settings; a follow made from it takes the defaults of
// a new follow, then the preset's settings, then the request's own. A preset is checked when saved
// as the follow it would make (the cross-field rules and the user's tier caps), so applying it never
// fails on its own settings. Changing or deleting a preset does not change follows made from it.
import type { Selectable } from 'kysely';
import type { Clock } from '../auth/clock.ts';
import { withTransaction, type Db, type Tx } from '../db/client.ts';
import type { CopyPresetsTable } from '../db/schema.ts';
import { NEW_FOLLOW_DEFAULTS } from '../domain/copy-settings.ts';
import { AppError, notFound } from './app-error.ts';
import { checkSettings, lockUser, mergeSettings, type FollowSettings } from './follow-settings.ts';

export const MAX_PRESETS_PER_USER = 50;

export interface PresetView {
  id: string;
  name: string;
  settings: FollowSettings;
  createdAt: string;
  updatedAt: string;
}

export interface PresetInput {
  name: string;
  settings: FollowSettings;
}

function toView(r: Selectable<CopyPresetsTable>): PresetView {
  return {
    id: r.id,
    name: r.name,
    settings: r.settings as FollowSettings,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Only the settings that were given (undefined dropped), as stored. */
const stored = (s: FollowSettings) =>
  JSON.stringify(Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)));

/** A preset of the user's, for applying it; another user's reads as not found. */
export async function loadPreset(db: Db | Tx, userId: string, id: string): Promise<PresetView> {
  const row = await db
    .selectFrom('copy_presets')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('preset');
  return toView(row);
}

export async function listPresets(deps: { db: Db }, userId: string): Promise<PresetView[]> {
  const rows = await deps.db
    .selectFrom('copy_presets')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(toView);
}

export async function createPreset(
  deps: { db: Db },
  userId: string,
  input: PresetInput,
): Promise<PresetView> {
  return withTransaction(deps.db, async (tx) => {
    const user = await lockUser(tx, userId);
    checkSettings(mergeSettings(NEW_FOLLOW_DEFAULTS, input.settings), user);
    const { count } = await tx
      .selectFrom('copy_presets')
      .select((e) => e.fn.countAll<string>().as('count'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (Number(count) >= MAX_PRESETS_PER_USER)
      throw new AppError(
        'conflict',
        `you have ${MAX_PRESETS_PER_USER} presets, the most allowed; delete one first`,
      );
    await requireUniqueName(tx, userId, input.name, null);
    const row = await tx
      .insertInto('copy_presets')
      .values({ user_id: userId, name: input.name, settings: stored(input.settings) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toView(row);
  });
}

/** Renames and/or replaces the settings (the new settings replace the old ones whole). */
export async function updatePreset(
  deps: { db: Db; clock: Clock },
  userId: string,
  id: string,
  input: Partial<PresetInput>,
): Promise<PresetView> {
  return withTransaction(deps.db, async (tx) => {
    const user = await lockUser(tx, userId);
    const current = await loadPreset(tx, userId, id);
    const settings = input.settings ?? current.settings;
    checkSettings(mergeSettings(NEW_FOLLOW_DEFAULTS, settings), user);
    if (input.name !== undefined) await requireUniqueName(tx, userId, input.name, id);
    const row = await tx
      .updateTable('copy_presets')
      .set({ name: input.name ?? current.name, settings: stored(settings), updated_at: deps.clock() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toView(row);
  });
}

export async function deletePreset(deps: { db: Db }, userId: string, id: string): Promise<void> {
  const r = await deps.db
    .deleteFrom('copy_presets')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (r.numDeletedRows === 0n) throw notFound('preset');
}

async function requireUniqueName(tx: Tx, userId: string, name: string, exceptId: string | null) {
  let q = tx
    .selectFrom('copy_presets')
    .select('id')
    .where('user_id', '=', userId)
    .where((e) => e(e.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId !== null) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('conflict', `you already have a preset named "${name}"`);
}
