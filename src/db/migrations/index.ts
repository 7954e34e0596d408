// The ordered list of migrations. Imported statically (not read from disk) so the CLI works the same
// from sources, a bundle or a compiled build.
import type { Migration } from 'kysely';
import * as m0001 from './0001-extensions-and-triggers.ts';
import * as m0002 from './0002-core-tables.ts';
import * as m0003 from './0003-trades.ts';
import * as m0004 from './0004-views.ts';
import * as m0005 from './0005-queue-retention.ts';
import * as m0006 from './0006-copy-engine.ts';
import * as m0007 from './0007-paper-ledger.ts';
import * as m0008 from './0008-execution-controls.ts';
import * as m0009 from './0009-ingest.ts';
import * as m0010 from './0010-positions.ts';
import * as m0011 from './0011-reconciliation.ts';
import * as m0020 from './0020-accounts-and-sessions.ts';
import * as m0021 from './0021-credentials-vault.ts';
import * as m0022 from './0022-follow-mode.ts';
import * as m0023 from './0023-two-factor.ts';
import * as m0024 from './0024-admin-audit.ts';
import * as m0030 from './0030-leader-analytics.ts';
import * as m0035 from './0035-leader-tracking.ts';
import * as m0036 from './0036-copyability.ts';
import * as m0045 from './0045-demo-account.ts';
import * as m0050 from './0050-event-stream-tickets.ts';
import * as m0060 from './0060-engine-scale.ts';
import * as m0070 from './0070-telegram.ts';
import * as m0071 from './0071-follow-paused-notification.ts';
import * as m0080 from './0080-job-runs.ts';
import * as m0082 from './0082-operator-tools.ts';
import * as m0090 from './0090-copy-settings.ts';
import * as m0100 from './0100-chain-detection.ts';
import * as m0110 from './0110-queue-stage.ts';
import * as m0112 from './0112-leaderboard-filters.ts';
import * as m0115 from './0115-dust-positions.ts';
import * as m0120 from './0120-order-legs.ts';

export const migrations: Record<string, Migration> = {
  '0001-extensions-and-triggers': m0001,
  '0002-core-tables': m0002,
  '0003-trades': m0003,
  '0004-views': m0004,
  '0005-queue-retention': m0005,
  '0006-copy-engine': m0006,
  '0007-paper-ledger': m0007,
  '0008-execution-controls': m0008,
  '0009-ingest': m0009,
  '0010-positions': m0010,
  '0011-reconciliation': m0011,
  '0020-accounts-and-sessions': m0020,
  '0021-credentials-vault': m0021,
  '0022-follow-mode': m0022,
  '0023-two-factor': m0023,
  '0024-admin-audit': m0024,
  '0030-leader-analytics': m0030,
  '0035-leader-tracking': m0035,
  '0036-copyability': m0036,
  '0045-demo-account': m0045,
  '0050-event-stream-tickets': m0050,
  '0060-engine-scale': m0060,
  '0070-telegram': m0070,
  '0071-follow-paused-notification': m0071,
  '0080-job-runs': m0080,
  '0082-operator-tools': m0082,
  '0090-copy-settings': m0090,
  '0100-chain-detection': m0100,
  '0110-queue-stage': m0110,
  '0112-leaderboard-filters': m0112,
  '0115-dust-positions': m0115,
  '0120-order-legs': m0120,
};
