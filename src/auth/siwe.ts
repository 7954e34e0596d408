// Sign-In with Ethereum (EIP-4361) message checks: the message must parse, name our domain, carry
// a nonce, be inside its validity window (expirationTime / notBefore), and be signed by the address
// it names. Externally owned accounts only (the signature is recovered, not checked on chain).
import { verifyMessage } from 'viem';
import { generateSiweNonce, parseSiweMessage, validateSiweMessage } from 'viem/siwe';
import { AppError } from '../services/app-error.ts';

export const SIWE_NONCE_TTL_MS = 10 * 60_000;

export const newSiweNonce = (): string => generateSiweNonce();

export interface VerifiedSiwe {
  /** Lowercase 0x address. */
  address: string;
  nonce: string;
}

/** The domain (RFC 3986 authority) messages must name: the host of the public URL. */
export function siweDomain(publicUrl: string): string {
  return new URL(publicUrl).host;
}

export async function verifySiwe(
  input: { message: string; signature: string },
  expected: { domain: string; now: Date },
): Promise<VerifiedSiwe> {
  let parsed: ReturnType<typeof parseSiweMessage>;
  try {
    parsed = parseSiweMessage(input.message);
  } catch {
    parsed = {};
  }
  if (!parsed.address || !parsed.nonce || !parsed.domain || !parsed.uri || parsed.version !== '1') {
    throw new AppError('validation_failed', 'body.message: not an EIP-4361 (Sign-In with Ethereum) message');
  }
  if (parsed.domain !== expected.domain) {
    throw new AppError('invalid_signature', 'the message is for another domain');
  }
  if (!validateSiweMessage({ message: parsed, domain: expected.domain, time: expected.now })) {
    throw new AppError('invalid_signature', 'the message has expired or is not valid yet');
  }
  let ok = false;
  try {
    ok = await verifyMessage({
      address: parsed.address,
      message: input.message,
      signature: input.signature as `0x${string}`,
    });
  } catch {
    ok = false;
  }
  if (!ok) throw new AppError('invalid_signature', 'the signature does not match the address in the message');
  return { address: parsed.address.toLowerCase(), nonce: parsed.nonce };
}
