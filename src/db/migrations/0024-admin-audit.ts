// The admin audit trail (issue 6): one append-only row per admin action — user activation and role,
// tier changes, the kill switch, cancelling and requeueing queue rows. Like credential_audit_log it
// has no foreign keys (the trail outlives the rows it describes) and refuses UPDATE and DELETE
// through the same trigger function (polycopy_audit_append_only, created by 0021).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE admin_audit_log (
      id               bigserial PRIMARY KEY,
      actor_user_id    bigint NOT NULL,
      action           varchar(40) NOT NULL,
      target_user_id   bigint,
      target_queue_id  bigint,
      detail           jsonb NOT NULL DEFAULT '{}'::jsonb,
      ip               varchar(64),
      created_at       timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT admin_audit_action_valid CHECK (action IN (
        'user_activate', 'user_deactivate', 'user_role', 'user_tier', 'kill_switch',
        'queue_cancel', 'queue_requeue'))
    );
    CREATE INDEX idx_admin_audit_created ON admin_audit_log (created_at DESC, id DESC);
    CREATE INDEX idx_admin_audit_target_user ON admin_audit_log (target_user_id, created_at DESC)
      WHERE target_user_id IS NOT NULL;
    CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit_log
      FOR EACH ROW EXECUTE FUNCTION polycopy_audit_append_only();
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS admin_audit_log;`).execute(db);
}
