// Order salts. The salt only makes otherwise identical orders hash differently, but it travels
// as a JSON *number* (§3.4), so it must stay a safe integer. The official client uses
// Math.round(Math.random() * Date.now()), i.e. values below ~1.8e12 (< 2^41); we stay in that
// range so a server that has only ever seen official salts sees nothing unusual from us.
import { randomInt } from 'node:crypto';
import { keccak256, stringToHex } from 'viem';

/** Exclusive upper bound of our salts: 2^41, just above today's Date.now() in ms. */
export const MAX_ORDER_SALT = 2n ** 41n;

/** A uniform random integer in [0, 2^48), the widest range node:crypto.randomInt accepts. */
export type SaltRandom = () => number;

const cryptoRandom48: SaltRandom = () => randomInt(0, 2 ** 48 - 1);

/** A fresh random salt in [0, 2^41). Inject `random` for deterministic tests. */
export function randomOrderSalt(random: SaltRandom = cryptoRandom48): bigint {
  const r = random();
  if (!Number.isSafeInteger(r) || r < 0) throw new RangeError(`salt random source returned ${r}`);
  return BigInt(r) % MAX_ORDER_SALT;
}

/**
 * A salt derived from a stable identity (e.g. the trade-queue row id). With the timestamp also
 * persisted, a retried copy order re-signs to the same order hash, so a retry after an
 * ambiguous failure can look the order up instead of placing it twice.
 */
export function deterministicOrderSalt(seed: string): bigint {
  return BigInt(keccak256(stringToHex(`polycopy/order-salt/${seed}`))) % MAX_ORDER_SALT;
}

/** The salt as it must appear in the JSON body: a number, refused if it would lose precision. */
export function saltToJsonNumber(salt: bigint): number {
  if (salt < 0n || salt > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`salt ${salt} cannot be sent as an exact JSON number`);
  }
  return Number(salt);
}
