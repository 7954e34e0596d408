// The hidden "true" probability of each event's outcomes: a random walk in log-odds space with
// occasional jumps (news). Binary events carry one log-odds value (p = sigmoid(x)); neg-risk
// events carry one score per outcome and p = softmax(scores), so the outcome probabilities
// always sum to 1. At the end date the winner is drawn from these probabilities, so a trader who
// knows them has a real edge over the market.
import type { Prng } from '../engine/prng.ts';

const DAY_MS = 86_400_000;

export interface WalkParams {
  /** Diffusion volatility of log-odds per sqrt(day). */
  volPerSqrtDay: number;
  /** Expected number of jumps per day. */
  jumpsPerDay: number;
  /** Standard deviation of a jump in log-odds. */
  jumpSd: number;
}

export const DEFAULT_WALK: WalkParams = { volPerSqrtDay: 0.25, jumpsPerDay: 0.6, jumpSd: 0.9 };

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function logit(p: number): number {
  const q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
  return Math.log(q / (1 - q));
}

export class EventTruth {
  readonly scores: Float64Array;
  readonly probs: Float64Array;

  constructor(
    readonly negRisk: boolean,
    outcomes: number,
    rng: Prng,
  ) {
    const n = negRisk ? outcomes : 1;
    this.scores = new Float64Array(n);
    this.probs = new Float64Array(negRisk ? outcomes : 1);
    if (negRisk) {
      // A favourite or two and a tail, like real multi-candidate markets.
      for (let i = 0; i < n; i++) this.scores[i] = rng.normal() * 1.1;
    } else {
      this.scores[0] = rng.normal() * 1.2;
    }
    this.recompute();
  }

  /** Probability that market `i` of the event resolves YES. */
  prob(i: number): number {
    return this.probs[i] as number;
  }

  step(dtMs: number, params: WalkParams, rng: Prng): void {
    const dtDays = dtMs / DAY_MS;
    const sd = params.volPerSqrtDay * Math.sqrt(dtDays);
    const jumpP = params.jumpsPerDay * dtDays;
    const s = this.scores;
    for (let i = 0; i < s.length; i++) {
      let x = (s[i] as number) + sd * rng.normal();
      if (rng.next() < jumpP) x += params.jumpSd * rng.normal();
      // Keep away from certainty so markets stay tradeable until their end date.
      s[i] = Math.max(-4.5, Math.min(4.5, x));
    }
    this.recompute();
  }

  /** Draws the winning market index (binary: 0 = YES wins, 1 = NO wins). */
  drawWinner(rng: Prng): number {
    if (!this.negRisk) return rng.next() < (this.probs[0] as number) ? 0 : 1;
    let u = rng.next();
    for (let i = 0; i < this.probs.length; i++) {
      u -= this.probs[i] as number;
      if (u < 0) return i;
    }
    return this.probs.length - 1;
  }

  private recompute(): void {
    if (!this.negRisk) {
      this.probs[0] = sigmoid(this.scores[0] as number);
      return;
    }
    let max = -Infinity;
    for (const x of this.scores) max = Math.max(max, x);
    let sum = 0;
    for (let i = 0; i < this.scores.length; i++) {
      const e = Math.exp((this.scores[i] as number) - max);
      this.probs[i] = e;
      sum += e;
    }
    for (let i = 0; i < this.probs.length; i++) this.probs[i] = (this.probs[i] as number) / sum;
  }
}
