// What the chain feed does when a node refuses a catch-up request as invalid input: a pruned node
// asked for blocks it no longer has (or a new chain asked for blocks before its first), or a
// provider's limit on the block range of one eth_getLogs. Retrying the same request fails forever,
// so the span is narrowed instead; only other failures (timeouts, internal errors, rate limits)
// are worth retrying as they are.
import { BaseError, InvalidInputRpcError, InvalidParamsRpcError } from 'viem';

/** The node refused the request's parameters (not a transient failure). */
export function rangeRefused(err: unknown): boolean {
  return (
    err instanceof BaseError &&
    (err.walk((e) => e instanceof InvalidInputRpcError || e instanceof InvalidParamsRpcError) ?? null) !==
      null
  );
}

/** What to log of an RPC failure: its kind and the node's words, not the request it repeats. */
export function rpcErrorSummary(err: unknown): { type: string; message: string } {
  if (err instanceof BaseError) return { type: err.name, message: err.details || err.shortMessage };
  const e = err as Error | undefined;
  return { type: e?.name ?? 'Error', message: e?.message ?? String(err) };
}

export interface SpanReader {
  /** Reads (and records) the logs of [from, to]; throws what the node answered. */
  read(from: bigint, to: bigint): Promise<void>;
  /** Whether the node serves this one block at all. */
  serves(block: bigint): Promise<boolean>;
}

/**
 * Reads [from, to]. A span the node refuses is skipped (added to `refused`) when the node does not
 * serve even its last block (pruned, or before its history: everything older is gone too);
 * otherwise it is halved until each part is served — a range limit, or a pruning point inside the
 * span, found in log₂ steps. Other errors propagate.
 */
export async function catchUpSpan(
  from: bigint,
  to: bigint,
  refused: Array<[bigint, bigint]>,
  reader: SpanReader,
): Promise<void> {
  try {
    await reader.read(from, to);
    return;
  } catch (err) {
    if (!rangeRefused(err)) throw err;
  }
  if (from === to || !(await reader.serves(to))) {
    refused.push([from, to]);
    return;
  }
  const mid = from + (to - from) / 2n;
  await catchUpSpan(from, mid, refused, reader);
  await catchUpSpan(mid + 1n, to, refused, reader);
}
