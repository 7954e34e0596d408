// The real CredentialVerifier: submitted Polymarket credentials are checked with one authenticated
// (L2) call to the CLOB, `GET /balance-allowance?asset_type=COLLATERAL`, sent through the live
// adapter's ClobClient with exactly the key, secret and passphrase the user submitted.
//
// The L2 headers claim an address (POLY_ADDRESS) the API key must be bound to:
//   - the private key's address when a private key is given. Polymarket only accepts the call when
//     the API key was created (L1) by that key, so one call also proves the private key is the key's
//     signer;
//   - otherwise the funder address (signature types 1–3, or type 0 when the user states it). That is
//     the only address we know without the private key; a proxy/Safe account whose key Polymarket
//     binds to the owner EOA will be refused, and the user has to send the private key (which the
//     platform needs to trade anyway).
//
// Outcomes: a 2xx is { ok: true }; auth failures (401/403, wrong signer, banned) and refusals of the
// request are { ok: false, reason } (the service answers 422); a network failure, timeout, 5xx, 429
// or an unreadable answer throws AppError('verification_unavailable') (503): the venue was not asked,
// which is not a rejection. Local checks that need no network (a secret that is not base64, a
// private key that is not a key, a type-0 funder that is not the key's own address) reject at once.
//
// Nothing here logs. Reasons and messages name addresses and Polymarket's own error text, never the
// key, secret, passphrase or private key.
import { getAddress, isAddress, isAddressEqual, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { isVenueError, type VenueError } from '../venue/errors.ts';
import { ClobClient } from '../venue/polymarket/clob-client.ts';
import { PolymarketHttpClient } from '../venue/polymarket/http-client.ts';
import { decodeApiSecret } from '../venue/polymarket/l2-auth.ts';
import type { PolymarketHosts } from '../venue/polymarket/polymarket-venue.ts';
import { SignatureType, type TypedDataSigner } from '../venue/polymarket/order-struct.ts';
import type { RateLimiter } from '../venue/rate-limits.ts';
import { AppError } from './app-error.ts';
import type { CredentialVerifier, CredentialsToVerify, VerificationResult } from './credential-verifier.ts';

export interface PolymarketCredentialVerifierOptions {
  /** Only `clob` is used; pass the platform's hosts object (real Polymarket or the simulator). */
  readonly hosts: Pick<PolymarketHosts, 'clob'>;
  /** 137 (Polygon), 80002 (Amoy), or what the simulator was started with. */
  readonly chainId: number;
  /** The process-wide limiter, so verification is paced with everything else on the CLOB. */
  readonly limiter?: RateLimiter;
  /** Bound on the one request (default 10 s); a timeout is "unavailable", not a rejection. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** Clock for L2 timestamps (ms). */
  readonly now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Header values must be visible ASCII; anything else would fail inside fetch as a "network" error. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

const rejected = (reason: string): VerificationResult => ({ ok: false, reason });

/** An address-only signer: L2 requests need the address, never a signature. */
function addressOnlySigner(address: Address): TypedDataSigner {
  return {
    address,
    signTypedData: () => Promise.reject(new Error('credential verification never signs typed data')),
  };
}

/** Polymarket's own text is safe to show (it never echoes credentials); kept short. */
function venueText(error: VenueError): string {
  const text = error.venueMessage ?? '';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function authReason(error: VenueError, address: Address): string {
  switch (error.reason) {
    case 'address_banned':
      return `Polymarket has banned the address ${address}`;
    case 'maker_not_allowed':
      return 'Polymarket does not allow this account to trade as a plain wallet; use the deposit wallet flow';
    default:
      return `the API key, secret or passphrase is not valid for ${address} (HTTP ${error.httpStatus ?? '?'}${
        error.venueMessage ? `: ${venueText(error)}` : ''
      })`;
  }
}

function unavailable(error: unknown): AppError {
  let detail = 'unexpected failure';
  let retryAfterSeconds: number | undefined;
  if (isVenueError(error)) {
    if (error.kind === 'rate_limited') {
      detail = 'rate limited';
      if (error.retryAfterMs !== undefined)
        retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    } else if (error.httpStatus !== undefined) detail = `HTTP ${error.httpStatus}`;
    else detail = error.reason ?? error.kind;
  }
  return new AppError(
    'verification_unavailable',
    `Polymarket could not be reached to verify the credentials (${detail}); try again`,
    retryAfterSeconds,
  );
}

export class PolymarketCredentialVerifier implements CredentialVerifier {
  private readonly options: PolymarketCredentialVerifierOptions;

  constructor(options: PolymarketCredentialVerifierOptions) {
    if (!Number.isSafeInteger(options.chainId) || options.chainId <= 0) {
      throw new RangeError(`invalid chain id: ${String(options.chainId)}`);
    }
    this.options = options;
  }

  async verify(c: CredentialsToVerify): Promise<VerificationResult> {
    // ---- local checks: nothing is sent for input that cannot be right
    if (!HEADER_SAFE.test(c.apiKey))
      return rejected('the API key contains characters an API key cannot have');
    if (!HEADER_SAFE.test(c.apiPassphrase)) {
      return rejected('the passphrase contains characters a passphrase cannot have');
    }
    if (c.apiSecret === '') return rejected('the API secret is empty');
    try {
      // "a" is valid base64 of no bytes: say it is too short, not that it is empty.
      if (decodeApiSecret(c.apiSecret).length === 0)
        return rejected('the API secret is too short: Polymarket issues it as base64 of 32 bytes');
    } catch {
      return rejected('the API secret is not base64, as Polymarket issues it');
    }
    let funder: Address | null = null;
    if (c.funderAddress !== null) {
      if (!isAddress(c.funderAddress, { strict: false }))
        return rejected('the funder address is not an address');
      funder = getAddress(c.funderAddress);
    }
    if (c.signatureType !== SignatureType.EOA && funder === null) {
      return rejected('signature types 1, 2 and 3 need the funder address (the wallet that holds the funds)');
    }

    let signer: TypedDataSigner;
    if (c.privateKey !== null) {
      try {
        signer = privateKeyToAccount(c.privateKey as `0x${string}`);
      } catch {
        return rejected('the private key is not a valid secp256k1 private key');
      }
      if (
        c.signatureType === SignatureType.EOA &&
        funder !== null &&
        !isAddressEqual(funder, signer.address)
      ) {
        return rejected(
          `for signature type 0 the funder must be the private key's own address (${signer.address}), not ${funder}`,
        );
      }
    } else if (funder !== null) {
      signer = addressOnlySigner(funder);
    } else {
      return rejected(
        "give the private key (or the funder address): the API key is bound to a wallet's address",
      );
    }

    // ---- one authenticated read, with exactly the submitted credentials
    const clob = new ClobClient({
      http: new PolymarketHttpClient({
        baseUrl: this.options.hosts.clob,
        service: 'clob',
        limiter: this.options.limiter,
        timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        fetch: this.options.fetch,
      }),
      chainId: this.options.chainId,
      signer,
      credentials: { key: c.apiKey, secret: c.apiSecret, passphrase: c.apiPassphrase },
      now: this.options.now,
    });
    try {
      await clob.getBalanceAllowance({ assetType: 'COLLATERAL', signatureType: c.signatureType });
      return { ok: true };
    } catch (error) {
      if (!isVenueError(error)) throw unavailable(error);
      switch (error.kind) {
        case 'auth':
          return rejected(authReason(error, signer.address));
        case 'rejected':
          return rejected(
            `Polymarket refused the request (HTTP ${error.httpStatus ?? '?'}${
              error.venueMessage ? `: ${venueText(error)}` : ''
            })`,
          );
        default:
          // retryable (network, timeout, 5xx, paused), rate_limited, not_found (a wrong host),
          // anything else: the credentials were not judged.
          throw unavailable(error);
      }
    }
  }
}

export function createPolymarketCredentialVerifier(
  options: PolymarketCredentialVerifierOptions,
): CredentialVerifier {
  return new PolymarketCredentialVerifier(options);
}
