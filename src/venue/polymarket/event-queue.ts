// A push-to-pull bridge: websocket handlers push events, consumers `for await` them. Kept separate
// from the streams so both (market channel, RTDS) end iteration the same way: `end()` completes
// pending and future reads, `fail(error)` rejects them once the buffer is drained.
//
// Unbounded by default: dropping a market-channel book update corrupts the book. With a
// `capacity`, a push that finds the buffer full is refused (push returns false) and the value is
// not kept: what a refused event means (for RTDS fills: a gap the Data API poll closes) is the
// stream's to decide. Refusing the newest rather than dropping the oldest keeps what is buffered a
// contiguous run and the lost events one contiguous stretch after it.

export interface EventQueueOptions {
  /** Most events held for a slow consumer; default unbounded. */
  readonly capacity?: number;
}

export class EventQueue<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private readonly capacity: number;
  private readonly waiting: Array<{
    resolve: (r: IteratorResult<T>) => void;
    reject: (e: unknown) => void;
  }> = [];
  private done = false;
  private error: unknown = undefined;

  constructor(options: EventQueueOptions = {}) {
    const capacity = options.capacity ?? Infinity;
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Events held for a slow consumer. */
  get size(): number {
    return this.buffer.length;
  }

  get ended(): boolean {
    return this.done;
  }

  /** Hands the value to a waiting reader or buffers it; false when ended or the buffer is full. */
  push(value: T): boolean {
    if (this.done) return false;
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve({ value, done: false });
    else if (this.buffer.length >= this.capacity) return false;
    else this.buffer.push(value);
    return true;
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    for (const w of this.waiting.splice(0)) w.resolve({ value: undefined, done: true });
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    for (const w of this.waiting.splice(0)) w.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.buffer.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.done) {
      return this.error === undefined
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(this.error);
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        // A consumer breaking out of `for await` stops reading; it does not close the stream.
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
