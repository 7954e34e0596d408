import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, dec } from '../../../../src/domain/money.ts';
import {
  sizeBuyCopy,
  sizeSellCopy,
  type BuySizingInput,
  type SellSizingInput,
} from '../../../../src/domain/copy-sizing.ts';

const market = { tickSize: dec('0.01'), minOrderSize: dec('5') };

// Leader buys 1000 shares at 0.42 ($420); factor 0.05 → 50 shares, $21. Caps are loose by default.
function buy(over: {
  leaderPrice?: string;
  leaderSize?: string;
  factor?: string;
  perTrade?: string;
  relMax?: string;
  relExposure?: string;
  min?: string | null;
  userMaxTrade?: string;
  userMax?: string;
  userExposure?: string;
  capPrice?: string;
  orderType?: BuySizingInput['orderType'];
}): BuySizingInput {
  return {
    leaderPrice: dec(over.leaderPrice ?? '0.42'),
    leaderSize: dec(over.leaderSize ?? '1000'),
    proportionalityFactor: dec(over.factor ?? '0.05'),
    relationship: {
      maxInvestmentPerTradeUsd: dec(over.perTrade ?? '100'),
      maxTotalExposureUsd: dec(over.relMax ?? '500'),
      minTradeSizeUsd: over.min === null ? null : dec(over.min ?? '5'),
      exposureUsd: dec(over.relExposure ?? '0'),
    },
    user: {
      maxTradeSizeUsd: dec(over.userMaxTrade ?? '100'),
      maxTotalExposureUsd: dec(over.userMax ?? '500'),
      exposureUsd: dec(over.userExposure ?? '0'),
    },
    market,
    ...(over.orderType ? { orderType: over.orderType } : {}),
    ...(over.capPrice ? { capPrice: dec(over.capPrice) } : {}),
  };
}

function copied(input: BuySizingInput) {
  const r = sizeBuyCopy(input);
  if (r.kind !== 'copy') throw new Error(`expected a copy, got ${r.reason}: ${r.detail}`);
  return {
    shares: r.shares.toFixed(),
    notional: r.notional.toFixed(),
    maxNotional: r.maxNotional.toFixed(),
    proportional: r.proportionalNotional.toFixed(),
    caps: r.capsApplied,
  };
}

const reasonOf = (r: ReturnType<typeof sizeBuyCopy> | ReturnType<typeof sizeSellCopy>) =>
  r.kind === 'skip' ? r.reason : 'copy';

describe('sizeBuyCopy', () => {
  it('copies proportionally when no cap binds: 1000 × 0.05 = 50 shares = $21', () => {
    expect(copied(buy({}))).toEqual({
      shares: '50',
      notional: '21',
      maxNotional: '21',
      proportional: '21',
      caps: [],
    });
  });

  it('per-trade cap $15 binds: 15 / 0.42 = 35.714… → 35.71 shares (rounded down) = $14.9982', () => {
    expect(copied(buy({ perTrade: '15' }))).toMatchObject({
      shares: '35.71',
      notional: '14.9982',
      caps: ['per_trade'],
    });
  });

  it('relationship remaining exposure binds: $500 − $490 = $10 → 23.809… → 23.80 shares', () => {
    expect(copied(buy({ relExposure: '490' }))).toMatchObject({
      shares: '23.8',
      notional: '9.996',
      caps: ['relationship_exposure'],
    });
  });

  it("user's max trade size binds: $12 → 28.571… → 28.57 shares", () => {
    expect(copied(buy({ userMaxTrade: '12' }))).toMatchObject({
      shares: '28.57',
      notional: '11.9994',
      caps: ['user_trade_size'],
    });
  });

  it("user's remaining total exposure binds: $500 − $487 = $13 → 30.952… → 30.95 shares", () => {
    expect(copied(buy({ userExposure: '487' }))).toMatchObject({
      shares: '30.95',
      notional: '12.999',
      caps: ['user_exposure'],
    });
  });

  it('lists every cap below the proportional copy, tightest (binding) first', () => {
    expect(copied(buy({ perTrade: '15', userMaxTrade: '12', relExposure: '480' }))).toMatchObject({
      shares: '28.57',
      caps: ['user_trade_size', 'per_trade', 'relationship_exposure'],
    });
  });

  it('enforces caps at the worst price the copy may pay when given one', () => {
    // Slippage 1% → cap price 0.4242: 15 / 0.4242 = 35.3606… → 35.36; at worst 35.36 × 0.4242 = $14.999712.
    expect(copied(buy({ perTrade: '15', capPrice: '0.4242' }))).toMatchObject({
      shares: '35.36',
      notional: '14.8512',
      maxNotional: '14.999712',
      caps: ['per_trade'],
    });
  });

  it('skips when an exposure cap is already reached', () => {
    expect(reasonOf(sizeBuyCopy(buy({ relExposure: '500' })))).toBe('relationship_exposure_cap_reached');
    expect(reasonOf(sizeBuyCopy(buy({ relExposure: '510' })))).toBe('relationship_exposure_cap_reached');
    expect(reasonOf(sizeBuyCopy(buy({ userExposure: '500' })))).toBe('user_exposure_cap_reached');
  });

  it('skips a copy below the minimum trade size: 20 × 0.05 = 1 share = $0.42 < $5', () => {
    const r = sizeBuyCopy(buy({ leaderSize: '20' }));
    expect(r).toMatchObject({ kind: 'skip', reason: 'below_min_trade_size' });
  });

  it('names the cap when a cap, not the leader, pushed the copy under the minimum', () => {
    expect(reasonOf(sizeBuyCopy(buy({ perTrade: '4' })))).toBe('per_trade_cap_below_minimum');
    expect(reasonOf(sizeBuyCopy(buy({ relExposure: '497' })))).toBe('relationship_exposure_cap_reached');
    expect(reasonOf(sizeBuyCopy(buy({ userMaxTrade: '4' })))).toBe('user_trade_size_cap_below_minimum');
    expect(reasonOf(sizeBuyCopy(buy({ userExposure: '497' })))).toBe('user_exposure_cap_reached');
  });

  it('compares the minimum before share rounding: a $5 copy that rounds to $4.998 still goes', () => {
    // 5 / 0.42 = 11.904… → 11.90 shares = $4.998.
    expect(copied(buy({ perTrade: '5', min: '5' }))).toMatchObject({ shares: '11.9', notional: '4.998' });
  });

  it("skips below Polymarket's $1 marketable minimum: 40 × 0.05 = 2 shares = $0.84", () => {
    const r = sizeBuyCopy(buy({ leaderSize: '40', min: null }));
    expect(r).toMatchObject({ kind: 'skip', reason: 'below_venue_minimum' });
  });

  it('names the cap when a cap pushed the copy under the venue minimum', () => {
    // $21 proportional, per-trade cap $0.80 → 1.90 shares = $0.798 < $1.
    expect(reasonOf(sizeBuyCopy(buy({ perTrade: '0.8', min: null })))).toBe('per_trade_cap_below_minimum');
  });

  it("applies the market's minimum shares to resting orders only: 4 shares ($1.68)", () => {
    expect(copied(buy({ leaderSize: '80', min: null }))).toMatchObject({ shares: '4' });
    const resting = sizeBuyCopy(buy({ leaderSize: '80', min: null, orderType: 'GTC' }));
    expect(resting).toMatchObject({ kind: 'skip', reason: 'below_venue_minimum' });
  });

  it('records malformed leader fills as skipped, and refuses nonsense settings loudly', () => {
    expect(reasonOf(sizeBuyCopy(buy({ leaderPrice: '0' })))).toBe('invalid_leader_fill');
    expect(reasonOf(sizeBuyCopy(buy({ leaderPrice: '1.2' })))).toBe('invalid_leader_fill');
    expect(reasonOf(sizeBuyCopy(buy({ leaderSize: '0' })))).toBe('invalid_leader_fill');
    expect(() => sizeBuyCopy(buy({ factor: '0' }))).toThrow(RangeError);
    expect(() => sizeBuyCopy(buy({ relExposure: '-1' }))).toThrow(RangeError);
  });

  it('never exceeds any cap, never exceeds the proportional copy, never posts an invalid size (property)', () => {
    let copies = 0;
    const cents = (max: number) => fc.integer({ min: 0, max }).map((n) => new Decimal(n).div(100));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 500 }),
        cents(100_000),
        cents(100_000),
        cents(30_000),
        cents(100_000),
        cents(100_000),
        cents(30_000),
        fc.option(cents(2_000)),
        (
          priceTicks,
          sizeCents,
          factorMicros,
          slipBps,
          perTrade,
          relMax,
          relExp,
          userTrade,
          userMax,
          userExp,
          min,
        ) => {
          const leaderPrice = new Decimal(priceTicks).div(100);
          const capPrice = Decimal.min(1, leaderPrice.times(new Decimal(10_000 + slipBps).div(10_000)));
          const input: BuySizingInput = {
            leaderPrice,
            leaderSize: new Decimal(sizeCents).div(100),
            proportionalityFactor: new Decimal(factorMicros).div(1_000_000),
            relationship: {
              maxInvestmentPerTradeUsd: perTrade,
              maxTotalExposureUsd: relMax,
              minTradeSizeUsd: min,
              exposureUsd: relExp,
            },
            user: { maxTradeSizeUsd: userTrade, maxTotalExposureUsd: userMax, exposureUsd: userExp },
            market,
            capPrice,
          };
          const r = sizeBuyCopy(input);
          if (r.kind === 'skip') return;
          copies++;
          expect(r.maxNotional.lte(perTrade)).toBe(true);
          expect(r.maxNotional.lte(relMax.minus(relExp))).toBe(true);
          expect(r.maxNotional.lte(userTrade)).toBe(true);
          expect(r.maxNotional.lte(userMax.minus(userExp))).toBe(true);
          expect(r.shares.lte(input.leaderSize.times(input.proportionalityFactor!))).toBe(true);
          expect(r.shares.decimalPlaces()).toBeLessThanOrEqual(2);
          expect(r.notional.gte(1)).toBe(true);
          // Rounding down costs at most one size unit below the user's minimum.
          if (min !== null) expect(r.notional.plus(leaderPrice.times('0.01')).gte(min)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    expect(copies).toBeGreaterThan(40);
  });
});

function sell(
  over: Partial<Record<'before' | 'sold' | 'follower' | 'price', string>> & {
    orderType?: SellSizingInput['orderType'];
  },
): SellSizingInput {
  return {
    leaderPositionBefore: dec(over.before ?? '200'),
    leaderSoldSize: dec(over.sold ?? '50'),
    followerShares: dec(over.follower ?? '30.33'),
    price: dec(over.price ?? '0.6'),
    market,
    ...(over.orderType ? { orderType: over.orderType } : {}),
  };
}

function sold(input: SellSizingInput) {
  const r = sizeSellCopy(input);
  if (r.kind !== 'copy') throw new Error(`expected a copy, got ${r.reason}: ${r.detail}`);
  return {
    shares: r.shares.toFixed(),
    fraction: r.fraction.toFixed(),
    notional: r.notional.toFixed(),
    closes: r.closesPosition,
    unsellable: r.unsellableRemainder.toFixed(),
  };
}

describe('sizeSellCopy', () => {
  it('sells the fraction the leader sold: 50 of 200 = 0.25 × 30.33 = 7.5825 → 7.58', () => {
    expect(sold(sell({}))).toEqual({
      shares: '7.58',
      fraction: '0.25',
      notional: '4.548',
      closes: false,
      unsellable: '0',
    });
  });

  it('sells everything attributed when the leader closes its whole position, leaving no dust', () => {
    expect(sold(sell({ sold: '200' }))).toMatchObject({ shares: '30.33', fraction: '1', closes: true });
  });

  it('caps the fraction at 1 when the leader position feed lags behind the sell', () => {
    expect(sold(sell({ before: '0', sold: '50' }))).toMatchObject({ shares: '30.33', fraction: '1' });
    expect(sold(sell({ before: '40', sold: '50' }))).toMatchObject({ shares: '30.33', fraction: '1' });
  });

  it("sells only the shares attributed to the selling leader's relationship", () => {
    // The follower holds 40 shares via leader A and 60 via leader B, same token. Leader A sells half.
    const viaA = sizeSellCopy(sell({ before: '1000', sold: '500', follower: '40' }));
    expect(viaA).toMatchObject({ kind: 'copy' });
    expect(viaA.kind === 'copy' && viaA.shares.toFixed()).toBe('20'); // not 50 (half of all 100)
    // A relationship with leader A that bought none of this token (only B did) has nothing to sell.
    expect(reasonOf(sizeSellCopy(sell({ before: '1000', sold: '500', follower: '0' })))).toBe(
      'no_position_to_sell',
    );
  });

  it('sweeps a remainder too small to ever sell on its own into this sell', () => {
    // 95% of 10 = 9.5; the 0.5 left is worth $0.25 at 0.5, under the $1 marketable minimum.
    expect(sold(sell({ before: '100', sold: '95', follower: '10', price: '0.5' }))).toMatchObject({
      shares: '10',
      closes: true,
    });
  });

  it('skips a partial sell below the venue minimum: 10% of 10 = 1 share = $0.50', () => {
    const r = sizeSellCopy(sell({ before: '100', sold: '10', follower: '10', price: '0.5' }));
    expect(r).toMatchObject({ kind: 'skip', reason: 'below_venue_minimum' });
  });

  it('reports attributed shares finer than the venue precision as unsellable on a full close', () => {
    expect(sold(sell({ sold: '200', follower: '10.123456' }))).toMatchObject({
      shares: '10.12',
      closes: true,
      unsellable: '0.003456',
    });
  });

  it('skips when the relationship holds nothing, and records a malformed sell', () => {
    expect(reasonOf(sizeSellCopy(sell({ follower: '0' })))).toBe('no_position_to_sell');
    expect(reasonOf(sizeSellCopy(sell({ sold: '0' })))).toBe('invalid_leader_fill');
    expect(reasonOf(sizeSellCopy(sell({ price: '0' })))).toBe('invalid_leader_fill');
  });

  it('never sells more than held, nor less than the proportional share, nor strands dust (property)', () => {
    let sells = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 99 }),
        (beforeCents, soldCents, followerCents, priceTicks) => {
          const input = sell({
            before: new Decimal(beforeCents).div(100).toFixed(),
            sold: new Decimal(soldCents).div(100).toFixed(),
            follower: new Decimal(followerCents).div(100).toFixed(),
            price: new Decimal(priceTicks).div(100).toFixed(),
          });
          const r = sizeSellCopy(input);
          if (r.kind === 'skip') {
            expect(r.reason).toBe('below_venue_minimum');
            return;
          }
          sells++;
          expect(r.fraction.lte(1)).toBe(true);
          expect(r.shares.lte(input.followerShares)).toBe(true);
          const proportional = input.followerShares.times(r.fraction).toDecimalPlaces(2, Decimal.ROUND_DOWN);
          expect(r.shares.gte(proportional)).toBe(true);
          const left = input.followerShares.minus(r.shares);
          if (r.fraction.eq(1)) expect(left.isZero()).toBe(true);
          if (!left.isZero()) expect(left.times(input.price).gte(1)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    expect(sells).toBeGreaterThan(50);
  });
});
