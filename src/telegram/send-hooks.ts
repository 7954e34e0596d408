// A per-call hook that runs right before the HTTP request leaves, inside the throttler and every
// retry. The notification dispatcher uses it to write "sending" at the last moment (so a crash
// while a message waits in the throttler's queue leaves it "claimed", safe to send again, and
// only a crash during the request itself leaves it unconfirmed). Calls are matched by the payload
// object's identity, which grammY passes unchanged through every transformer.
import type { Transformer } from 'grammy';

export class SendHooks {
  private readonly hooks = new WeakMap<object, () => Promise<void>>();

  /** Runs `before` each time `payload` is about to be sent (again, on a retry). */
  register(payload: object, before: () => Promise<void>): void {
    this.hooks.set(payload, before);
  }

  transformer(): Transformer {
    return async (prev, method, payload, signal) => {
      const before = payload && typeof payload === 'object' ? this.hooks.get(payload) : undefined;
      if (before) await before();
      return prev(method, payload, signal);
    };
  }
}
