// Hundreds of live followers of one leader, seeded straight into the database (as the benchmark
// does: signing up through the API 300 times would dominate the test): each a user with a fresh
// wallet whose CLOB credentials are derived from the simulator with L1 auth, stored encrypted under
// the world's master key as the vault stores them, funded on the simulator, following in live mode.
// Plus the checks every "exactly once" test makes for all of them at once.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { expect } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { apiKeyHash, apiKeyHint, encryptCredentials } from '../../../src/vault/credential-crypto.ts';
import type { MasterKey } from '../../../src/vault/master-key.ts';
import { SignatureType } from '../../../src/venue/polymarket/order-struct.ts';
import { PolymarketVenue } from '../../../src/venue/polymarket/polymarket-venue.ts';
import type { EngineSim } from './engine-harness.ts';

export interface SeededFollower {
  readonly userId: string;
  readonly apiKey: string;
}

async function pooled<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

export async function seedLiveFollowers(
  db: Db,
  sim: EngineSim,
  masterKey: MasterKey,
  leader: string,
  n: number,
  opts: { pusd: string; factor: string },
): Promise<SeededFollower[]> {
  const wallets = new Array<{
    privateKey: `0x${string}`;
    address: string;
    apiKey: string;
    secret: string;
    passphrase: string;
  }>(n);
  await pooled(
    Array.from({ length: n }, (_, i) => i),
    8,
    async (i) => {
      const privateKey = generatePrivateKey();
      const signer = privateKeyToAccount(privateKey);
      const creds = await PolymarketVenue.createOrDeriveCredentials({
        clobHost: sim.hosts.clob,
        chainId: 137,
        signer,
      });
      wallets[i] = {
        privateKey,
        address: signer.address,
        apiKey: creds.apiKey,
        secret: creds.secret,
        passphrase: creds.passphrase,
      };
    },
  );
  await db
    .insertInto('traders')
    .values({ wallet_address: leader })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const users = await db
    .insertInto('users')
    .values(
      wallets.map((_, i) => ({
        email: `many${i}.${randomBytes(4).toString('hex')}@example.com`,
        subscription_tier: 'premium',
        max_daily_trades: 1000,
        max_trade_size_usd: '10000',
        max_total_exposure_usd: '50000',
        max_followed_traders: 100,
      })),
    )
    .returning('id')
    .execute();
  const { rows: ids } = await sql<{ id: string }>`
    SELECT nextval('polymarket_api_keys_id_seq')::text AS id FROM generate_series(1, ${n})`.execute(db);
  await db
    .insertInto('polymarket_api_keys')
    .values(
      wallets.map((w, i) => {
        const userId = users[i]!.id;
        const id = ids[i]!.id;
        return {
          id,
          user_id: userId,
          ...encryptCredentials(
            masterKey,
            { userId, recordId: id },
            { apiKey: w.apiKey, apiSecret: w.secret, apiPassphrase: w.passphrase, privateKey: w.privateKey },
          ),
          key_hash: apiKeyHash(w.apiKey),
          key_hint: apiKeyHint(w.apiKey),
          signature_type: SignatureType.EOA,
          is_primary: true,
          daily_spend_limit_usd: '100000',
          last_reset_at: new Date(),
        };
      }),
    )
    .execute();
  await db
    .insertInto('copy_relationships')
    .values(
      users.map((u) => ({
        user_id: u.id,
        trader_wallet_address: leader,
        mode: 'live' as const,
        proportionality_factor: opts.factor,
        max_total_exposure_usd: '100000',
        max_investment_per_trade_usd: '1000',
      })),
    )
    .execute();
  await pooled(wallets, 16, (w) => sim.fund(w.address, opts.pusd));
  return wallets.map((w, i) => ({ userId: users[i]!.id, apiKey: w.apiKey }));
}

/**
 * Every follower was copied exactly once: its one queue row completed with the one order the
 * exchange accepted for its key (an order placed twice would be accepted twice), one copy trade of
 * `quantity` shares for that row, and the decision executed.
 */
export async function expectEachCopiedOnce(
  db: Db,
  sim: EngineSim,
  followers: SeededFollower[],
  quantity: string,
) {
  const ids = followers.map((f) => f.userId);
  const rows = await db.selectFrom('trade_queue').selectAll().where('user_id', 'in', ids).execute();
  const copies = await db
    .selectFrom('trades')
    .selectAll()
    .where('copying_user_id', 'in', ids)
    .where('is_copy_trade', '=', true)
    .execute();
  const decisions = await db.selectFrom('copy_decisions').selectAll().where('user_id', 'in', ids).execute();
  const notCompleted = rows
    .filter((r) => r.status !== 'completed')
    .map((r) => `${r.id} ${r.status}: ${r.error_message}`);
  expect(notCompleted).toEqual([]);
  expect(rows).toHaveLength(followers.length);
  expect(copies).toHaveLength(followers.length);
  expect(decisions.filter((d) => d.outcome !== 'executed')).toEqual([]);
  const rowOf = new Map(rows.map((r) => [r.user_id, r]));
  const copyOf = new Map(copies.map((c) => [c.copying_user_id, c]));
  await pooled(followers, 16, async (f) => {
    const row = rowOf.get(f.userId)!;
    const accepted = await sim.acceptedOrders(f.apiKey);
    expect(accepted).toEqual([row.venue_order_id]);
    const copy = copyOf.get(f.userId)!;
    expect(copy).toMatchObject({ queue_id: row.id, copy_tx_hash: row.venue_order_id });
    expect(new Decimal(copy.quantity).toFixed()).toBe(quantity);
  });
}
