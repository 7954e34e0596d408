// The ordered list of migrations. Imported statically (not read from disk) so the CLI works the same
// from sources, a bundle or a compiled build.
import type { Migration } from 'kysely';
import * as m0001 from './0001-extensions-and-triggers.ts';
import * as m0002 from './0002-core-tables.ts';
import * as m0003 from './0003-trades.ts';
import * as m0004 from './0004-views.ts';
import * as m0005 from './0005-queue-retention.ts';

export const migrations: Record<string, Migration> = {
  '0001-extensions-and-triggers': m0001,
  '0002-core-tables': m0002,
  '0003-trades': m0003,
  '0004-views': m0004,
  '0005-queue-retention': m0005,
};
