// This process's own figures — CPU, memory, heap, event-loop lag, GC, open handles — as prom-client's
// default metrics (process_*, nodejs_*), appended to the platform's exposition. One registry per
// process, created on the first scrape.
import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

export async function processMetricsText(): Promise<string> {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  // prom-client separates families with blank lines, and writes a not-a-number as `Nan` (before the
  // first event-loop sample); the exposition the platform serves has neither (`NaN`, as formatValue).
  return (await registry.metrics())
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.replace(/ Nan$/, ' NaN'))
    .join('\n');
}
