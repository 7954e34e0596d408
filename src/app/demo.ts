// Starts the demo (src/services/demo-account.ts) when `polycopy start` runs on the built-in
// simulator: never against a real venue (a demo there would put a well-known account on a real
// deployment), never with DEMO=off. Start-up does not wait for it: the demo waits for the
// leaderboard to be ranked — a metrics recompute completed over at least three traders' fills
// (job_runs; discovery, backfill and metrics do it within a minute of a fresh start) — retrying
// until then, and then follows three of its top traders. The log says ONCE where to look and how to sign
// in: with the password when the demo is created, with how to reset it on later starts.
import type { Config } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import {
  ensureDemoUser,
  followDemoLeaders,
  pickDemoLeaders,
  DEMO_LEADERS,
  type DemoUser,
} from '../services/demo-account.ts';
import type { FollowDeps } from '../services/follow-trader.ts';

export interface DemoOptions {
  readonly config: Pick<Config, 'demo' | 'venue'>;
  readonly follow: FollowDeps;
  readonly logger: Logger;
  /** Where the platform is reached (the dashboard and the API). */
  readonly url: string;
  /** How often the leaderboard is read while it has too few traders. */
  readonly retryMs?: number;
}

export interface RunningDemo {
  /** Resolves when the demo is set up (or given up on shutdown); for tests and diagnostics. */
  readonly ready: Promise<DemoUser | null>;
  stop(): Promise<void>;
}

/** Why there is no demo, or null when there is one. */
export function demoDisabledReason(config: Pick<Config, 'demo' | 'venue'>): string | null {
  if (!config.demo.enabled) return 'DEMO=off';
  if (config.venue.kind !== 'simulator') return 'a real venue is configured (POLYMARKET_CLOB_URL)';
  return null;
}

export function startDemo(opts: DemoOptions): RunningDemo {
  const logger = opts.logger.child({ component: 'demo' });
  const disabled = demoDisabledReason(opts.config);
  if (disabled) {
    logger.debug({ reason: disabled }, 'no demo account');
    return { ready: Promise.resolve(null), stop: async () => undefined };
  }
  let stopped = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async (): Promise<DemoUser | null> => {
    const demo = await ensureDemoUser(opts.follow.db);
    announce(logger, opts.url, demo);
    if (demo.followsSetAt !== null) return demo;
    for (;;) {
      if (stopped) return null;
      const leaders = await pickDemoLeaders(opts.follow.db, opts.follow.clock()).catch((err: unknown) => {
        logger.warn({ err }, 'demo: could not read the leaderboard; retrying');
        return [];
      });
      if (leaders.length === DEMO_LEADERS) {
        const result = await followDemoLeaders(
          opts.follow,
          demo,
          leaders.map((l) => l.wallet),
        );
        logger.info(
          { followed: result.followed, refused: result.refused },
          `demo: following ${result.followed.length} top traders in paper mode`,
        );
        return { ...demo, followsSetAt: opts.follow.clock(), followed: result.followed };
      }
      await sleep(opts.retryMs ?? 5_000);
    }
  };

  const ready = run().catch((err: unknown) => {
    logger.error({ err }, 'demo: could not be set up');
    return null;
  });
  return {
    ready,
    stop: async () => {
      stopped = true;
      wake?.();
      await ready;
    },
  };
}

function announce(logger: Logger, url: string, demo: DemoUser): void {
  if (demo.password !== null) {
    // Printed once, at creation: only its hash is stored, so it can never be shown again.
    logger.info(
      `demo account created: open ${url} and sign in as ${demo.email} with the password ` +
        `${demo.password} (shown only now; \`polycopy demo reset-password\` sets a new one)`,
    );
    return;
  }
  logger.info(
    `demo account: open ${url} and sign in as ${demo.email}; ` +
      'forgot the password? `polycopy demo reset-password` prints a new one',
  );
}
