// Two-factor authentication and the other sign-in identities (issue 6).
//  - auth_recovery_codes: the ten one-time recovery codes issued when TOTP is confirmed, stored as
//    SHA-256 only (80 random bits each); a code works once (used_at).
//  - auth_totp_state: the last TOTP time step accepted per user, so a code that was accepted once
//    is never accepted again (RFC 6238 section 5.2). The secret itself stays in
//    users.two_factor_secret (encrypted; see src/auth/totp-secret.ts).
//  - auth_siwe_nonces: Sign-In with Ethereum nonces: issued by the server, single-use, expiring.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE auth_recovery_codes (
      id          bigserial PRIMARY KEY,
      user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      code_hash   varchar(64) NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      used_at     timestamptz,
      CONSTRAINT auth_recovery_codes_hash_format CHECK (code_hash ~ '^[0-9a-f]{64}$')
    );
    CREATE UNIQUE INDEX uq_auth_recovery_codes_user_hash ON auth_recovery_codes (user_id, code_hash);

    CREATE TABLE auth_totp_state (
      user_id         bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      last_used_step  bigint,
      updated_at      timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE auth_siwe_nonces (
      nonce       varchar(96) PRIMARY KEY,
      created_at  timestamptz NOT NULL DEFAULT now(),
      expires_at  timestamptz NOT NULL,
      used_at     timestamptz,
      CONSTRAINT auth_siwe_nonces_format CHECK (nonce ~ '^[A-Za-z0-9]{8,96}$')
    );
    CREATE INDEX idx_auth_siwe_nonces_expires ON auth_siwe_nonces (expires_at);
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP TABLE IF EXISTS auth_siwe_nonces;
    DROP TABLE IF EXISTS auth_totp_state;
    DROP TABLE IF EXISTS auth_recovery_codes;
    `,
    )
    .execute(db);
}
