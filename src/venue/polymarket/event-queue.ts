// A push-to-pull bridge: websocket handlers push events, consumers `for await` them. Kept separate
// from the streams so both (market channel, RTDS) end iteration the same way: `end()` completes
// pending and future reads, `fail(error)` rejects them once the buffer is drained.

export class EventQueue<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private readonly waiting: Array<{
    resolve: (r: IteratorResult<T>) => void;
    reject: (e: unknown) => void;
  }> = [];
  private done = false;
  private error: unknown = undefined;

  /** Events held for a slow consumer. Unbounded on purpose: dropping a book update corrupts state. */
  get size(): number {
    return this.buffer.length;
  }

  get ended(): boolean {
    return this.done;
  }

  push(value: T): void {
    if (this.done) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve({ value, done: false });
    else this.buffer.push(value);
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
