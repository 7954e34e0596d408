// Checks Polymarket credentials with the venue before the vault stores them. The live
// implementation (an authenticated balance-allowance call to the CLOB with L2 headers) is wired in
// the composition root when the live Polymarket adapter lands; until then the platform uses
// `verificationUnavailable`, which refuses to store credentials it cannot check, and tests inject
// their own verifier.
import type { PolymarketCredentials } from '../vault/credential-crypto.ts';
import { AppError } from './app-error.ts';

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

export const verificationUnavailable: CredentialVerifier = {
  async verify() {
    throw new AppError(
      'verification_unavailable',
      'credentials cannot be verified: the live Polymarket venue is not configured on this platform',
    );
  },
};
