// Checks Polymarket credentials with the venue before the vault stores them. The implementation
// the platform uses is PolymarketCredentialVerifier (an authenticated balance-allowance call with
// L2 headers, polymarket-credential-verifier.ts); tests inject their own.
import type { PolymarketCredentials } from '../vault/credential-crypto.ts';

export interface CredentialsToVerify extends PolymarketCredentials {
  signatureType: 0 | 1 | 2 | 3;
  funderAddress: string | null;
}

export type VerificationResult = { ok: true } | { ok: false; reason: string };

export interface CredentialVerifier {
  /** ok: the venue accepted the credentials. ok=false: it rejected them (reason is safe to show).
   *  Throws when the venue could not be asked (outage), which is not a rejection. */
  verify(credentials: CredentialsToVerify): Promise<VerificationResult>;
}
