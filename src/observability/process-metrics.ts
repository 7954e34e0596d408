// This process's own figures — CPU, memory, heap, event-loop lag, GC, open handles — as prom-client's
// default metrics (process_*, nodejs_*). One registry per process, created on the first scrape:
// the default metrics observe the process (GC, event-loop delay) once, however many PlatformMetrics
// a process (or a test) builds.
import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

export async function processMetricsText(): Promise<string> {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry.metrics();
}
