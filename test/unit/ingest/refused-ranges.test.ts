// The chain feed's answer to a node that refuses a catch-up span (src/ingest/chain/refused-ranges.ts):
// a pruned prefix is skipped in a logarithmic number of requests, a range limit is met by halving,
// and every other failure is left for the caller to retry.
import { InvalidInputRpcError, InternalRpcError } from 'viem';
import { describe, expect, it } from 'vitest';
import { catchUpSpan, rangeRefused, rpcErrorSummary } from '../../../src/ingest/chain/refused-ranges.ts';

const refusedError = () => new InvalidInputRpcError(new Error('block 5 is pruned; oldest is 70'));

/** A node that has blocks from `oldest` on and serves at most `maxRange` blocks per request. */
function node(oldest: bigint, maxRange = 1_000n) {
  const reads: Array<[bigint, bigint]> = [];
  let requests = 0;
  return {
    reads,
    requests: () => requests,
    reader: {
      read: async (from: bigint, to: bigint) => {
        requests += 1;
        if (from < oldest || to - from + 1n > maxRange) throw refusedError();
        reads.push([from, to]);
      },
      serves: async (block: bigint) => {
        requests += 1;
        return block >= oldest;
      },
    },
  };
}

const covered = (spans: Array<[bigint, bigint]>) => spans.reduce((n, [a, b]) => n + Number(b - a + 1n), 0);

describe('catchUpSpan', () => {
  it('skips a pruned prefix in log₂ steps and reads every block the node has', async () => {
    const n = node(1_370n);
    const refused: Array<[bigint, bigint]> = [];
    await catchUpSpan(1_000n, 1_499n, refused, n.reader);
    expect(covered(refused)).toBe(370);
    expect(refused.every(([, b]) => b < 1_370n)).toBe(true);
    expect(covered(n.reads)).toBe(130);
    expect(n.reads.every(([a]) => a >= 1_370n)).toBe(true);
    expect(n.requests()).toBeLessThan(40);
  });

  it('skips a span the node has none of with two requests', async () => {
    const n = node(5_000n);
    const refused: Array<[bigint, bigint]> = [];
    await catchUpSpan(1_000n, 1_499n, refused, n.reader);
    expect(refused).toEqual([[1_000n, 1_499n]]);
    expect(n.requests()).toBe(2);
  });

  it('meets a range limit by halving, reading every block once and in order', async () => {
    const n = node(0n, 100n);
    const refused: Array<[bigint, bigint]> = [];
    await catchUpSpan(0n, 499n, refused, n.reader);
    expect(refused).toEqual([]);
    expect(covered(n.reads)).toBe(500);
    for (let i = 1; i < n.reads.length; i++) expect(n.reads[i]![0]).toBe(n.reads[i - 1]![1] + 1n);
  });

  it('lets other failures through for the caller to retry', async () => {
    const failing = {
      read: async () => {
        throw new InternalRpcError(new Error('internal error'));
      },
      serves: async () => true,
    };
    await expect(catchUpSpan(0n, 9n, [], failing)).rejects.toBeInstanceOf(InternalRpcError);
    expect(rangeRefused(new InternalRpcError(new Error('x')))).toBe(false);
    expect(rangeRefused(new Error('plain'))).toBe(false);
    expect(rangeRefused(refusedError())).toBe(true);
  });

  it('summarises an RPC error in a line, without the request it repeats', () => {
    const s = rpcErrorSummary(refusedError());
    expect(s.type).toBe('InvalidInputRpcError');
    expect(s.message).toBe('block 5 is pruned; oldest is 70');
    expect(rpcErrorSummary(new Error('boom'))).toEqual({ type: 'Error', message: 'boom' });
  });
});
