// Seeded pseudo-random numbers for the simulator. Everything random in the simulation (agent
// arrivals, probability walks, ids, transaction hashes) comes from here so that one seed gives
// one history. xoshiro128** (32-bit state words, Math.imul arithmetic) seeded through splitmix32.

import { createHash } from 'node:crypto';

/** splitmix32 step: a good 32-bit mixer, used for seeding and for stateless hashing. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hashes a list of numbers/strings to a 32-bit seed (FNV-1a over the parts, then mixed). */
export function hashSeed(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === 'number' ? `#${part}` : `$${part}`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h = mix32(h);
  }
  return h >>> 0;
}

const HEX = '0123456789abcdef';

function hex8(x: number): string {
  let out = '';
  for (let i = 28; i >= 0; i -= 4) out += HEX[(x >>> i) & 15];
  return out;
}

/** Deterministic 2*bytes-char hex string from (seed, a, b) with no generator state involved. */
export function hashHex(seed: number, a: number, b: number, bytes: number): string {
  let out = '';
  let h = mix32(seed ^ mix32(a ^ mix32(b)));
  for (let i = 0; i < bytes; i += 4) {
    h = mix32(h + i + a);
    out += hex8(h);
  }
  return out.slice(0, bytes * 2);
}

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = 0;
  private hasSpare = false;

  constructor(seed: number) {
    let x = seed >>> 0;
    this.s0 = x = mix32(x);
    this.s1 = x = mix32(x);
    this.s2 = x = mix32(x);
    this.s3 = mix32(x) | 1; // never all-zero state
  }

  /** An independent stream derived from this generator's seed material and a label. */
  fork(label: string | number): Prng {
    return new Prng(hashSeed(this.s0, this.s1, this.s2, this.s3, label));
  }

  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits. */
  next(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi] inclusive. */
  intBetween(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from empty list');
    return items[this.int(items.length)] as T;
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    this.hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Exponential waiting time with the given rate (events per unit). */
  exponential(rate: number): number {
    let u = 0;
    while (u === 0) u = this.next();
    return -Math.log(u) / rate;
  }

  /** Poisson count (Knuth for small means, normal approximation above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** Random lowercase hex string of `bytes` bytes. */
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i += 4) out += hex8(this.nextU32());
    return out.slice(0, bytes * 2);
  }

  /** A random unsigned 256-bit integer as a decimal string (the shape of CTF token ids). */
  uint256Decimal(): string {
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 32n) | BigInt(this.nextU32());
    // Real token ids are full-width; force the top bits so the string has the usual ~77 digits.
    v |= 1n << 252n;
    return v.toString();
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A 256-bit-strong id (transaction hashes, order and trade ids): sha256 of the run's key and the
 * numbers. hashHex's 32-bit state made ids of different runs (and, over a month of history, of
 * one run) collide; and a key without the run's start time made a restarted simulator reissue the
 * previous run's transaction hashes, which the platform rightly took for fills it had already seen.
 */
export function idHex(runKey: string, a: number, b: number, bytes: number): string {
  return createHash('sha256')
    .update(`${runKey}|${a}|${b}`)
    .digest('hex')
    .slice(0, bytes * 2);
}
