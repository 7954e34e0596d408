// A binary min-heap over a plain array, for the simulator's time-ordered queues (order expiries,
// scheduled events). Allocation-free apart from the array itself: these queues are on hot paths.

export type Less<T> = (a: T, b: T) => boolean;

export function heapPush<T>(h: T[], item: T, less: Less<T>): void {
  h.push(item);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(h[i] as T, h[p] as T)) break;
    [h[i], h[p]] = [h[p] as T, h[i] as T];
    i = p;
  }
}

/** Removes and returns the smallest item; the heap must not be empty. */
export function heapPop<T>(h: T[], less: Less<T>): T {
  const top = h[0] as T;
  const last = h.pop() as T;
  if (h.length > 0) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l] as T, h[m] as T)) m = l;
      if (r < h.length && less(h[r] as T, h[m] as T)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as T, h[i] as T];
      i = m;
    }
  }
  return top;
}
