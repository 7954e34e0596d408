// A follow paused by the circuit breaker (issue 17) is news its person must hear at once, on
// Telegram as on the dashboard: the notification kinds gain `follow_paused`.
import { sql, type Kysely } from 'kysely';

const BEFORE = `'copy_executed', 'copy_failed', 'copy_skipped', 'position_closed', 'daily_summary', 'operator_alert'`;
const AFTER = `${BEFORE}, 'follow_paused'`;

function constraints(kinds: string): string {
  return `
    ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_kind_valid;
    ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_kind_valid
      CHECK (kind IN (${kinds}));
    ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_kind_valid;
    ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_kind_valid
      CHECK (kind IN (${kinds}));`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(constraints(AFTER)).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `DELETE FROM notification_outbox WHERE kind = 'follow_paused';
       DELETE FROM notification_preferences WHERE kind = 'follow_paused';
       ${constraints(BEFORE)}`,
    )
    .execute(db);
}
