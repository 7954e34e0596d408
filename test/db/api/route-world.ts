// The cast and fixtures the route catalog's sample requests run against (route-catalog.ts):
//   alice   owns resources; nobody else may see them (her ids are the "foreign ids")
//   bob     the ordinary caller of every user route, with the same kinds of resources of his own
//   carol   a user with 2FA on (step-up checks)
//   admin   role admin; admin2fa: an admin with 2FA on
//   victim  the user admin routes act on
// Each actor has: two sessions (the spare one is for DELETE /auth/sessions/:id), a follow of a
// trader wallet of their own (a marker that must never show up in another user's answers), a
// stored credential, a linked wallet (for unlinking), a pending and a failed queue row with their
// decisions, and an open copy lot.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../../src/db/client.ts';
import { insertQueueRow, insertTrade, wallet } from '../../support/fixtures.ts';
import { GOOD_PASSWORD, signUp, uniqueEmail, type TestApi } from './api-harness.ts';
import { enableTwoFactor, totpCode } from './identity-helpers.ts';

export interface Actor {
  name: string;
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  sessionId: string;
  auth: Record<string, string>;
  spareSessionId: string;
  traderWallet: string;
  followId: string;
  /** A copy-settings preset of the actor's (preset-routes.ts). */
  presetId: string;
  credentialId: string;
  apiKey: string;
  pendingQueueId: string;
  failedQueueId: string;
  totpSecret: string | null;
}

export interface World {
  api: TestApi;
  db: Db;
  alice: Actor;
  bob: Actor;
  carol: Actor;
  admin: Actor;
  admin2fa: Actor;
  victim: Actor;
  /** Strings of alice's that must never appear in another user's answers. */
  aliceMarkers: string[];
  /** A fresh x-totp header for an actor with 2FA (each code works once: the clock moves a step). */
  stepUp(a: Actor): Record<string, string>;
}

async function login(api: TestApi, email: string, password: string, totp?: string) {
  const res = await api.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password, ...(totp ? { totp } : {}) },
  });
  if (res.statusCode !== 200) throw new Error(`login: ${res.statusCode} ${res.body}`);
  return res.json() as { accessToken: string; sessionId: string };
}

async function leaderFill(db: Db, trader: string) {
  const key = randomBytes(16).toString('hex');
  await db
    .insertInto('leader_fills')
    .values({
      fill_key: key,
      trader_wallet_address: trader,
      transaction_hash: `0x${randomBytes(32).toString('hex')}`,
      asset_id: `asset-${key}`,
      condition_id: `0x${'c'.repeat(64)}`,
      side: 'BUY',
      price: '0.5',
      size: '100',
      occurrence: 0,
      filled_at: new Date(),
      source: 'test',
    })
    .execute();
  return key;
}

export async function buildActor(
  api: TestApi,
  db: Db,
  name: string,
  opts: { role?: 'admin'; twoFactor?: boolean } = {},
): Promise<Actor> {
  const u = await signUp(api, uniqueEmail(), GOOD_PASSWORD);
  if (opts.role) await db.updateTable('users').set({ role: opts.role }).where('id', '=', u.userId).execute();
  const traderWallet = wallet();
  const follow = await api.app.inject({
    method: 'POST',
    url: '/api/v1/follows',
    headers: u.auth,
    payload: { traderWallet, mode: 'paper' },
  });
  if (follow.statusCode !== 201) throw new Error(`follow: ${follow.body}`);
  const followId = (follow.json() as { id: string }).id;
  const preset = await api.app.inject({
    method: 'POST',
    url: '/api/v1/presets',
    headers: u.auth,
    payload: { name: `copy ${traderWallet}`, settings: { sizingMode: 'fixed_usd', fixedAmountUsd: '10' } },
  });
  if (preset.statusCode !== 201) throw new Error(`preset: ${preset.body}`);
  const presetId = (preset.json() as { id: string }).id;
  const apiKey = `key-${name}-${u.userId}-${randomBytes(4).toString('hex')}`;
  const cred = await api.app.inject({
    method: 'POST',
    url: '/api/v1/credentials',
    headers: u.auth,
    payload: {
      apiKey,
      apiSecret: 'c2VjcmV0',
      apiPassphrase: `pass-${name}`,
      signatureType: 0,
      keyName: `${name}-key`,
    },
  });
  if (cred.statusCode !== 201) throw new Error(`credential: ${cred.body}`);
  const credentialId = (cred.json() as { id: string }).id;
  // A linked wallet (the link flow itself is tested in auth-siwe.test.ts).
  await db.updateTable('users').set({ wallet_address: wallet() }).where('id', '=', u.userId).execute();

  const queueRow = async (status: 'pending' | 'failed') => {
    const key = await leaderFill(db, traderWallet);
    const row = await insertQueueRow(db, u.userId, followId, {
      trader_wallet_address: traderWallet,
      market_id: `market-${name}`,
      source_fill_key: key,
      asset_id: `asset-${key}`,
      status,
      ...(status === 'failed' ? { completed_at: new Date(), error_message: 'retryable: venue down' } : {}),
    });
    await db
      .insertInto('copy_decisions')
      .values({
        fill_key: key,
        copy_relationship_id: followId,
        user_id: u.userId,
        outcome: status === 'failed' ? 'failed' : 'queued',
        reason: status === 'failed' ? 'retries_exhausted' : null,
        queue_id: row.id,
      })
      .execute();
    return row.id;
  };
  const pendingQueueId = await queueRow('pending');
  const failedQueueId = await queueRow('failed');
  await insertTrade(db, {
    is_copy_trade: true,
    copying_user_id: u.userId,
    copy_relationship_id: followId,
    trader_wallet_address: traderWallet,
    asset_id: `lot-${name}`,
    status: 'open',
  });

  let totpSecret: string | null = null;
  if (opts.twoFactor) totpSecret = (await enableTwoFactor(api, u.auth)).secret;
  const spare = await login(api, u.email, u.password, totpSecret ? totpCode(api, totpSecret) : undefined);
  if (totpSecret) api.clock.advance(30_000);
  return {
    name,
    userId: u.userId,
    email: u.email,
    password: u.password,
    accessToken: u.accessToken,
    sessionId: u.sessionId,
    auth: u.auth,
    spareSessionId: spare.sessionId,
    traderWallet,
    followId,
    presetId,
    credentialId,
    apiKey,
    pendingQueueId,
    failedQueueId,
    totpSecret,
  };
}

export async function buildWorld(api: TestApi, db: Db): Promise<World> {
  const alice = await buildActor(api, db, 'alice');
  const bob = await buildActor(api, db, 'bob');
  const carol = await buildActor(api, db, 'carol', { twoFactor: true });
  const admin = await buildActor(api, db, 'admin', { role: 'admin' });
  const admin2fa = await buildActor(api, db, 'admin2fa', { role: 'admin', twoFactor: true });
  const victim = await buildActor(api, db, 'victim');
  return {
    api,
    db,
    alice,
    bob,
    carol,
    admin,
    admin2fa,
    victim,
    aliceMarkers: [
      alice.traderWallet,
      alice.email,
      alice.sessionId,
      alice.spareSessionId,
      `${alice.name}-key`,
      `market-${alice.name}`,
      `lot-${alice.name}`,
    ],
    stepUp(a: Actor): Record<string, string> {
      if (!a.totpSecret) return {};
      api.clock.advance(30_000);
      return { 'x-totp': totpCode(api, a.totpSecret) };
    },
  };
}
