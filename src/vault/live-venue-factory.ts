// Builds the live Polymarket venue a copy order is placed with, from the user's stored credential.
//
// - Decryption happens only through useCredential: one statement that hands out an active,
//   unexpired key holding a signing key, with a 'use' audit row and last_used_at. When it returns
//   nothing, a read of the row's non-secret columns says why (missing, foreign, revoked, suspended,
//   expired, no signing key) as a LiveCredentialError; nothing unusable is ever decrypted.
// - One venue per call, no cache. Decrypted material lives in local variables until the venue is
//   built, then only inside that venue (the ClobClient's L2 credentials and the viem account's key
//   closure) for as long as the caller holds it: the executor holds it for one queue row. JavaScript
//   strings cannot be wiped, so "not outliving the call" means not keeping references: nothing here
//   stores plaintext or venues in module or factory state.
//   What is shared is public: the process-wide trading-rules cache (tick, neg-risk, fees), so a
//   fresh venue signs without reading the market again. A fresh venue has no memory of orders
//   prepared by earlier venues, so a retry of an already-signed order must `prepare(request)` before
//   `lookupOrder({clientOrderId})` (or re-send: the identical order is de-duplicated by the
//   exchange; see docs/venue.md). A per-key cache of venue objects would save the decrypt (one round
//   trip, microseconds of AES) but keep every active user's secrets in memory for its TTL; the
//   issue asks for credentials decrypted only for the call, so there is none.
// - Rate limiting is per process: every venue built by one factory shares one RateLimiter (the one
//   passed in, or one the factory creates).
import { getAddress, isAddressEqual, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Clock } from '../auth/clock.ts';
import type { Db } from '../db/client.ts';
import type { CopyOutcomeReason } from '../domain/skip-reasons.ts';
import type { LiveVenueFactory } from '../execution/venue-provider.ts';
import type { ContractSet } from '../venue/polymarket/contracts.ts';
import { isSignatureType, SignatureType } from '../venue/polymarket/order-struct.ts';
import { PolymarketVenue, type PolymarketHosts } from '../venue/polymarket/polymarket-venue.ts';
import type { TradingRulesCache } from '../venue/market-cache.ts';
import { RateLimiter } from '../venue/rate-limits.ts';
import type { Venue } from '../venue/venue.ts';
import type { MasterKey } from './master-key.ts';
import { useCredential } from './use-credential.ts';

export type LiveCredentialFailure = Extract<
  CopyOutcomeReason,
  'no_credentials' | 'api_key_inactive' | 'api_key_expired'
>;

/** The credential cannot be used for live trading; `reason` is the executor's skip reason. */
export class LiveCredentialError extends Error {
  override readonly name = 'LiveCredentialError';
  constructor(
    readonly reason: LiveCredentialFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface LiveVenueFactoryOptions {
  readonly db: Db;
  readonly masterKey: MasterKey;
  readonly clock: Clock;
  /** Real Polymarket (POLYMARKET_HOSTS) or the simulator's hosts. */
  readonly hosts: PolymarketHosts;
  readonly chainId: number;
  /** Exchange/collateral address overrides (fork, testnet, a simulator started with others). */
  readonly contracts?: Partial<ContractSet>;
  /** The process-wide trading-rules cache (public data), so a fresh venue signs with warm rules. */
  readonly rulesCache?: TradingRulesCache;
  /** The process-wide limiter; one is created per factory when omitted. */
  readonly limiter?: RateLimiter;
  readonly timeouts?: { readonly readMs?: number; readonly placeMs?: number };
  /** Where a filled order's fees come from at the ack (PolymarketVenueOptions.feesAtAck). */
  readonly feesAtAck?: 'trades' | 'schedule';
  /** Recorded in each 'use' audit row (default 'live_order'). */
  readonly purpose?: string;
  readonly fetch?: typeof fetch;
}

export function createLiveVenueFactory(options: LiveVenueFactoryOptions): LiveVenueFactory {
  const limiter = options.limiter ?? new RateLimiter();
  const purpose = options.purpose ?? 'live_order';
  const { db, masterKey, clock } = options;

  return async (userId: string, apiKeyId: string): Promise<Venue> => {
    if (!/^[1-9]\d{0,18}$/.test(apiKeyId) || !/^[1-9]\d{0,18}$/.test(userId)) {
      throw new LiveCredentialError('no_credentials', `API key ${apiKeyId} not found for user ${userId}`);
    }
    const now = clock();
    // The only decryption: active, unexpired keys that hold a signing key; one audited statement.
    const credential = await useCredential({ db, masterKey, clock }, userId, {
      keyId: apiKeyId,
      purpose,
      forSigningAt: now,
    });
    if (!credential) throw await unusableKey(db, userId, apiKeyId, now);
    // Rows written before signature types were recorded are plain EOA accounts.
    const signatureType = credential.signatureType ?? SignatureType.EOA;
    if (!isSignatureType(signatureType)) {
      throw new LiveCredentialError('no_credentials', `API key ${apiKeyId} has an unknown signature type`);
    }
    if (signatureType !== SignatureType.EOA && credential.funderAddress === null) {
      throw new LiveCredentialError(
        'no_credentials',
        `API key ${apiKeyId} uses signature type ${signatureType} but has no funder address`,
      );
    }
    if (credential.privateKey === null) {
      throw new LiveCredentialError('no_credentials', `API key ${apiKeyId} has no signing key stored`);
    }
    const signer = privateKeyToAccount(credential.privateKey as `0x${string}`);
    let funderAddress: Address | undefined;
    if (signatureType === SignatureType.EOA) {
      // An EOA trades from its own address; a stored funder must agree with it.
      if (
        credential.funderAddress !== null &&
        !isAddressEqual(getAddress(credential.funderAddress), signer.address)
      ) {
        throw new LiveCredentialError(
          'no_credentials',
          `API key ${apiKeyId} is an EOA account whose funder is not its signing key's address`,
        );
      }
    } else {
      funderAddress = getAddress(credential.funderAddress!);
    }
    return new PolymarketVenue({
      hosts: options.hosts,
      chainId: options.chainId,
      ...(options.contracts ? { contracts: options.contracts } : {}),
      credentials: {
        apiKey: credential.apiKey,
        secret: credential.apiSecret,
        passphrase: credential.apiPassphrase,
      },
      signer,
      signatureType,
      ...(funderAddress ? { funderAddress } : {}),
      limiter,
      ...(options.rulesCache ? { rulesCache: options.rulesCache } : {}),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.feesAtAck ? { feesAtAck: options.feesAtAck } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  };
}

/** Why no usable credential came back: read from the non-secret columns only. */
async function unusableKey(
  db: Db,
  userId: string,
  apiKeyId: string,
  now: Date,
): Promise<LiveCredentialError> {
  const meta = await db
    .selectFrom('polymarket_api_keys')
    .select(['status', 'expires_at'])
    .select((eb) => eb('encrypted_private_key', 'is not', null).as('has_private_key'))
    .where('id', '=', apiKeyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!meta)
    return new LiveCredentialError('no_credentials', `API key ${apiKeyId} not found for user ${userId}`);
  if (meta.status === 'expired' || (meta.expires_at !== null && meta.expires_at.getTime() <= now.getTime())) {
    return new LiveCredentialError('api_key_expired', `API key ${apiKeyId} has expired`);
  }
  if (meta.status !== 'active') {
    return new LiveCredentialError('api_key_inactive', `API key ${apiKeyId} is ${meta.status}`);
  }
  if (!meta.has_private_key) {
    return new LiveCredentialError(
      'no_credentials',
      `API key ${apiKeyId} has no signing key stored: the platform cannot sign orders for it`,
    );
  }
  // Active a moment ago, refused by the statement: revoked or suspended in between.
  return new LiveCredentialError('api_key_inactive', `API key ${apiKeyId} is no longer active`);
}
