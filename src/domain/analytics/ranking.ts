// Leaderboard ranks (docs/analytics.md, "Ranks and the minimum sample"): 1..n over the traders that
// may be ranked (active and meeting the minimum sample), largest value first, ties broken by wallet
// address ascending in byte order — so equal values always come out in the same order. Everyone
// else has no rank (null). Values are compared as stored (rounded), so a tie on the board is a tie.
import type { Decimal } from '../money.ts';

export interface RankCandidate {
  readonly wallet: string;
  readonly value: Decimal;
  readonly eligible: boolean;
}

const byteOrder = (a: string, b: string) => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
};

export function assignRanks(candidates: readonly RankCandidate[]): Map<string, number | null> {
  const ranks = new Map<string, number | null>(candidates.map((c) => [c.wallet, null]));
  const eligible = candidates
    .filter((c) => c.eligible)
    .sort((a, b) => b.value.comparedTo(a.value) || byteOrder(a.wallet, b.wallet));
  eligible.forEach((c, i) => ranks.set(c.wallet, i + 1));
  return ranks;
}
