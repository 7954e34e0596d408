// Builds the live Polymarket venue a copy order is placed with, from the user's stored credential.
//
// - Decryption happens only through useCredential (active keys only, a 'use' audit row and
//   last_used_at per call). Before that, one read of the row's non-secret columns turns a missing,
//   foreign, revoked, suspended, expired or signing-key-less credential into a LiveCredentialError
//   without decrypting anything.
// - One venue per call, no cache. Decrypted material lives in local variables until the venue is
//   built, then only inside that venue (the ClobClient's L2 credentials and the viem account's key
//   closure) for as long as the caller holds it: the executor holds it for one queue row. JavaScript
//   strings cannot be wiped, so "not outliving the call" means not keeping references: nothing here
//   stores plaintext or venues in module or factory state.
//   Trade-off: each call costs a decrypt, an audit row and an UPDATE, and the fresh venue starts with
//   an empty trading-rules cache (its first order reads the market's rules) and no memory of orders
//   prepared by earlier venues, so a retry of an already-signed order must `prepare(request)` before
//   `lookupOrder({clientOrderId})` (or re-send: the identical order is de-duplicated by the
//   exchange; see docs/venue.md). A per-key cache of venue objects would save those reads but keep
//   every active user's secrets in memory for its TTL and would need invalidation on revoke; at copy
//   trading rates (an order per leader fill) the extra reads are cheap, so there is none.
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
  /** The process-wide limiter; one is created per factory when omitted. */
  readonly limiter?: RateLimiter;
  readonly timeouts?: { readonly readMs?: number; readonly placeMs?: number };
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
    // Non-secret columns first: an unusable key is refused without being decrypted.
    const meta = await db
      .selectFrom('polymarket_api_keys')
      .select(['status', 'expires_at', 'signature_type', 'funder_address'])
      .select((eb) => eb('encrypted_private_key', 'is not', null).as('has_private_key'))
      .where('id', '=', apiKeyId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!meta)
      throw new LiveCredentialError('no_credentials', `API key ${apiKeyId} not found for user ${userId}`);
    const now = clock();
    if (
      meta.status === 'expired' ||
      (meta.expires_at !== null && meta.expires_at.getTime() <= now.getTime())
    ) {
      throw new LiveCredentialError('api_key_expired', `API key ${apiKeyId} has expired`);
    }
    if (meta.status !== 'active') {
      throw new LiveCredentialError('api_key_inactive', `API key ${apiKeyId} is ${meta.status}`);
    }
    if (!meta.has_private_key) {
      throw new LiveCredentialError(
        'no_credentials',
        `API key ${apiKeyId} has no signing key stored: the platform cannot sign orders for it`,
      );
    }
    // Rows written before signature types were recorded are plain EOA accounts.
    const signatureType = meta.signature_type ?? SignatureType.EOA;
    if (!isSignatureType(signatureType)) {
      throw new LiveCredentialError('no_credentials', `API key ${apiKeyId} has an unknown signature type`);
    }
    if (signatureType !== SignatureType.EOA && meta.funder_address === null) {
      throw new LiveCredentialError(
        'no_credentials',
        `API key ${apiKeyId} uses signature type ${signatureType} but has no funder address`,
      );
    }

    // The only decryption: active keys only, audited.
    const credential = await useCredential({ db, masterKey, clock }, userId, { keyId: apiKeyId, purpose });
    if (!credential) {
      // Revoked (or suspended) between the two reads.
      throw new LiveCredentialError('api_key_inactive', `API key ${apiKeyId} is no longer active`);
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
      funderAddress = getAddress(credential.funderAddress ?? meta.funder_address!);
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
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  };
}
