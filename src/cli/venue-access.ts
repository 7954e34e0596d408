// What operator commands need to reach the venue the platform's orders went to, and the master key
// that decrypts the credentials they were sent with (queue reconcile, queue settle, doctor).
import { systemClock } from '../auth/clock.ts';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import { DefaultVenueProvider } from '../execution/venue-provider.ts';
import { createLiveVenueFactory } from '../vault/live-venue-factory.ts';
import { masterKeyFile, MasterKey, readKeyFile } from '../vault/master-key.ts';
import {
  hostsFromSimulatorEndpoints,
  PolymarketVenue,
  type PolymarketHosts,
} from '../venue/polymarket/polymarket-venue.ts';

/**
 * The hosts the platform's orders went to: Polymarket as configured, or the simulator the running
 * platform serves (never a fresh one: its ledger would know none of the orders).
 */
export async function venueHosts(config: Config): Promise<{ hosts: PolymarketHosts; chainId: number }> {
  if (config.venue.kind === 'polymarket') return { hosts: config.venue.hosts, chainId: config.venue.chainId };
  const host = config.venue.host === '0.0.0.0' ? '127.0.0.1' : config.venue.host;
  const url = `http://${host}:${config.venue.port}/sim/endpoints`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch {
    throw new Error(`no simulator answers at ${url}: reconciliation needs the venue the orders were sent to`);
  }
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return { hosts: hostsFromSimulatorEndpoints((await res.json()) as never), chainId: 137 };
}

/** The platform's master key; never a new one (it could decrypt nothing stored). */
export async function existingMasterKey(config: Config): Promise<MasterKey | null> {
  if (config.vault.masterKey) return MasterKey.fromBase64(config.vault.masterKey);
  try {
    return await readKeyFile(masterKeyFile(config.dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * A venue provider over the venue the orders went to, for looking orders up; or why there is none
 * (no venue answering, no master key to decrypt live credentials), as a message for the operator.
 */
export async function orderVenueAccess(
  c: Config,
): Promise<{ venues: (db: Db) => DefaultVenueProvider } | string> {
  let venue: Awaited<ReturnType<typeof venueHosts>>;
  try {
    venue = await venueHosts(c);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const { hosts, chainId } = venue;
  const masterKey = await existingMasterKey(c);
  if (!masterKey)
    return `no master key (POLYCOPY_MASTER_KEY, or ${masterKeyFile(c.dataDir)}): live orders cannot be looked up`;
  return {
    venues: (db) =>
      new DefaultVenueProvider(db, PolymarketVenue.marketData({ hosts, chainId }), {
        paperStartingBalance: new Decimal(c.engine.paperStartingBalanceUsd),
        live: createLiveVenueFactory({
          db,
          masterKey,
          clock: systemClock,
          hosts,
          chainId,
          purpose: 'reconcile_order',
        }),
      }),
  };
}
