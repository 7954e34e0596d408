// What the operator CLI (polycopy admin / queue / kill-switch, src/cli/) needs:
// - admin_audit_log records actions taken from the command line, where no signed-in admin exists:
//   `actor` names the operator (cli:<os user>@<host>), `actor_user_id` is null for them; every row
//   names one or the other. New actions: user_create (polycopy admin create-user) and queue_settle
//   (polycopy queue settle, an operator's verdict on a row whose order had an unknown outcome).
// (The copy_decisions (queue_id) index the queue reads need is 0060-engine-scale's.)
// Down refuses (the NOT NULL fails) once command-line rows exist: the trail is append-only.
import { sql, type Kysely } from 'kysely';

const OLD_ACTIONS = `'user_activate', 'user_deactivate', 'user_role', 'user_tier', 'kill_switch',
        'queue_cancel', 'queue_requeue'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE admin_audit_log ALTER COLUMN actor_user_id DROP NOT NULL;
    ALTER TABLE admin_audit_log ADD COLUMN actor varchar(120);
    ALTER TABLE admin_audit_log ADD CONSTRAINT admin_audit_actor_named
      CHECK (actor_user_id IS NOT NULL OR actor IS NOT NULL);
    ALTER TABLE admin_audit_log DROP CONSTRAINT admin_audit_action_valid;
    ALTER TABLE admin_audit_log ADD CONSTRAINT admin_audit_action_valid CHECK (action IN (
        ${OLD_ACTIONS}, 'user_create', 'queue_settle'));
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE admin_audit_log DROP CONSTRAINT admin_audit_action_valid;
    ALTER TABLE admin_audit_log ADD CONSTRAINT admin_audit_action_valid CHECK (action IN (${OLD_ACTIONS}));
    ALTER TABLE admin_audit_log DROP CONSTRAINT admin_audit_actor_named;
    ALTER TABLE admin_audit_log DROP COLUMN actor;
    ALTER TABLE admin_audit_log ALTER COLUMN actor_user_id SET NOT NULL;
    `,
    )
    .execute(db);
}
