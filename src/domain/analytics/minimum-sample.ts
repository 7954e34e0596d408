// The minimum sample before a trader is ranked, so that one lucky bet does not top the board: at
// least `closedPositions` closed positions (the unit of a "trade") and fills on at least
// `activeDays` distinct UTC days. Traders below it keep their figures but get no rank.
export interface MinimumSample {
  readonly closedPositions: number;
  readonly activeDays: number;
}

export const DEFAULT_MINIMUM_SAMPLE: MinimumSample = Object.freeze({ closedPositions: 10, activeDays: 5 });

export function meetsMinimumSample(
  stats: { readonly closedPositions: number; readonly activeDays: number },
  rule: MinimumSample = DEFAULT_MINIMUM_SAMPLE,
): boolean {
  return stats.closedPositions >= rule.closedPositions && stats.activeDays >= rule.activeDays;
}
