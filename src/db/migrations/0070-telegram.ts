// The Telegram bot (issue 15): which users have a chat with the bot, one-time codes that link a
// chat to a web account, per-user notification preferences, the notification outbox the engine's
// events feed (written in the transaction that records each outcome, so a notification exists
// exactly when its outcome committed), a chat's pending two-step action (a confirmation or a 2FA
// code the bot is waiting for), processed update ids (a redelivered update runs once) and what
// the running bot said its username is (the API returns it with a link code).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE telegram_chats (
      user_id     bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      chat_id     bigint NOT NULL UNIQUE,
      username    varchar(100),
      started_at  timestamptz NOT NULL DEFAULT now(),
      blocked_at  timestamptz,
      updated_at  timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE telegram_link_codes (
      code_hash   bytea PRIMARY KEY,
      user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at  timestamptz NOT NULL DEFAULT now(),
      expires_at  timestamptz NOT NULL,
      used_at     timestamptz,
      CONSTRAINT telegram_link_codes_hash_length CHECK (octet_length(code_hash) = 32)
    );
    CREATE INDEX idx_telegram_link_codes_user ON telegram_link_codes (user_id);

    CREATE TABLE telegram_link_failures (
      chat_id     bigint NOT NULL,
      failed_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX idx_telegram_link_failures_chat ON telegram_link_failures (chat_id, failed_at);

    CREATE TABLE notification_preferences (
      user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      kind        varchar(30) NOT NULL,
      level       varchar(10) NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, kind),
      CONSTRAINT notification_preferences_kind_valid CHECK (kind IN (
        'copy_executed', 'copy_failed', 'copy_skipped', 'position_closed', 'daily_summary',
        'operator_alert')),
      CONSTRAINT notification_preferences_level_valid CHECK (level IN ('on', 'silent', 'off'))
    );

    CREATE TABLE notification_outbox (
      id             bigserial PRIMARY KEY,
      user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      kind           varchar(30) NOT NULL,
      payload        jsonb NOT NULL,
      dedup_key      varchar(120),
      status         varchar(12) NOT NULL DEFAULT 'pending',
      attempts       integer NOT NULL DEFAULT 0,
      not_before     timestamptz NOT NULL DEFAULT now(),
      claim_token    uuid,
      claimed_until  timestamptz,
      created_at     timestamptz NOT NULL DEFAULT now(),
      sent_at        timestamptz,
      last_error     varchar(300),
      CONSTRAINT notification_outbox_kind_valid CHECK (kind IN (
        'copy_executed', 'copy_failed', 'copy_skipped', 'position_closed', 'daily_summary',
        'operator_alert')),
      CONSTRAINT notification_outbox_status_valid CHECK (status IN (
        'pending', 'claimed', 'sending', 'sent', 'dropped', 'unconfirmed')),
      CONSTRAINT notification_outbox_attempts_non_negative CHECK (attempts >= 0)
    );
    CREATE UNIQUE INDEX uq_notification_outbox_dedup ON notification_outbox (user_id, dedup_key)
      WHERE dedup_key IS NOT NULL;
    CREATE INDEX idx_notification_outbox_due ON notification_outbox (not_before, id)
      WHERE status = 'pending';
    CREATE INDEX idx_notification_outbox_in_flight ON notification_outbox (claimed_until)
      WHERE status IN ('claimed', 'sending');
    CREATE INDEX idx_notification_outbox_finished ON notification_outbox (created_at)
      WHERE status IN ('sent', 'dropped', 'unconfirmed');

    CREATE TABLE telegram_pending_actions (
      chat_id     bigint PRIMARY KEY,
      user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      action      jsonb NOT NULL,
      expires_at  timestamptz NOT NULL
    );

    CREATE TABLE telegram_processed_updates (
      bot_id        bigint NOT NULL,
      update_id     bigint NOT NULL,
      processed_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (bot_id, update_id)
    );
    CREATE INDEX idx_telegram_processed_updates_at ON telegram_processed_updates (processed_at);

    CREATE TABLE telegram_bot_info (
      id          boolean PRIMARY KEY DEFAULT true,
      bot_id      bigint NOT NULL,
      username    varchar(64) NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT telegram_bot_info_single_row CHECK (id)
    );
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP TABLE IF EXISTS telegram_bot_info;
    DROP TABLE IF EXISTS telegram_processed_updates;
    DROP TABLE IF EXISTS telegram_pending_actions;
    DROP TABLE IF EXISTS notification_outbox;
    DROP TABLE IF EXISTS notification_preferences;
    DROP TABLE IF EXISTS telegram_link_failures;
    DROP TABLE IF EXISTS telegram_link_codes;
    DROP TABLE IF EXISTS telegram_chats;
    `,
    )
    .execute(db);
}
