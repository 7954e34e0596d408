// The credentials vault (issue 6) on polymarket_api_keys: envelope encryption and an audit log.
//  - wrapped_data_key: the record's random AES-256 data key, encrypted (AES-256-GCM) under the
//    master key; master_key_id names which master key (a fingerprint, not the key). The seed's
//    encrypted_* columns hold AES-256-GCM ciphertexts under the data key. Both are nullable only so
//    rows written by other means stay valid; the vault never writes a row without them, and a row
//    without them cannot be decrypted.
//  - key_hint: the last four characters of the API key, so lists can show a masked key without
//    decrypting anything.
//  - credential_audit_log: append-only (UPDATE and DELETE raise). No foreign keys, so the trail
//    outlives the user and key rows it describes.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE polymarket_api_keys
      ADD COLUMN wrapped_data_key bytea,
      ADD COLUMN master_key_id varchar(32),
      ADD COLUMN key_hint varchar(8),
      ADD CONSTRAINT api_keys_envelope_complete CHECK ((wrapped_data_key IS NULL) = (master_key_id IS NULL));

    CREATE TABLE credential_audit_log (
      id           bigserial PRIMARY KEY,
      user_id      bigint,
      api_key_id   bigint,
      action       varchar(30) NOT NULL,
      actor        varchar(20) NOT NULL,
      detail       jsonb NOT NULL DEFAULT '{}'::jsonb,
      ip           varchar(64),
      created_at   timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT credential_audit_action_valid CHECK (action IN (
        'create', 'verify_failed', 'use', 'update', 'revoke', 'rotate_master_key', 'rewrap')),
      CONSTRAINT credential_audit_actor_valid CHECK (actor IN ('user', 'admin', 'system', 'cli'))
    );
    CREATE INDEX idx_credential_audit_user ON credential_audit_log (user_id, created_at DESC);
    CREATE INDEX idx_credential_audit_key ON credential_audit_log (api_key_id, created_at DESC);

    CREATE FUNCTION polycopy_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER credential_audit_append_only BEFORE UPDATE OR DELETE ON credential_audit_log
      FOR EACH ROW EXECUTE FUNCTION polycopy_audit_append_only();
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP TABLE IF EXISTS credential_audit_log;
    DROP FUNCTION IF EXISTS polycopy_audit_append_only();
    ALTER TABLE polymarket_api_keys
      DROP CONSTRAINT IF EXISTS api_keys_envelope_complete,
      DROP COLUMN IF EXISTS key_hint,
      DROP COLUMN IF EXISTS master_key_id,
      DROP COLUMN IF EXISTS wrapped_data_key;
    `,
    )
    .execute(db);
}
