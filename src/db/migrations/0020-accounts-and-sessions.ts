// Accounts and sessions for the platform API (issue 6).
//  - users gains `role` (user/admin), and the lockout state of email + password sign-in
//    (`failed_login_attempts`, `locked_until`). `is_verified` (seed) records a verified email.
//  - auth_sessions: one row per signed-in device (a refresh-token family). Access tokens name their
//    session, so revoking the session ends them too.
//  - auth_refresh_tokens: every refresh token ever issued, stored as SHA-256 only. A token is used
//    once; presenting a used one again is reuse (theft) and revokes its whole session.
//  - auth_one_time_tokens: email verification and password reset tokens, hashed, single-use,
//    expiring.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE users
      ADD COLUMN role varchar(20) NOT NULL DEFAULT 'user',
      ADD COLUMN failed_login_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN locked_until timestamptz,
      ADD CONSTRAINT users_role_valid CHECK (role IN ('user', 'admin')),
      ADD CONSTRAINT users_failed_login_attempts_non_negative CHECK (failed_login_attempts >= 0);

    CREATE TABLE auth_sessions (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at      timestamptz NOT NULL DEFAULT now(),
      last_used_at    timestamptz NOT NULL DEFAULT now(),
      expires_at      timestamptz NOT NULL,
      revoked_at      timestamptz,
      revoked_reason  varchar(30),
      user_agent      varchar(500),
      ip              varchar(64),
      CONSTRAINT auth_sessions_revoked_reason_valid CHECK (
        revoked_reason IS NULL OR revoked_reason IN
          ('logout', 'revoked_by_user', 'refresh_token_reuse', 'password_reset', 'admin')),
      CONSTRAINT auth_sessions_revocation_consistent CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
    );
    CREATE INDEX idx_auth_sessions_user ON auth_sessions (user_id, created_at DESC);

    CREATE TABLE auth_refresh_tokens (
      id          bigserial PRIMARY KEY,
      session_id  uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
      token_hash  varchar(64) NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      expires_at  timestamptz NOT NULL,
      used_at     timestamptz,
      CONSTRAINT auth_refresh_tokens_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$')
    );
    CREATE UNIQUE INDEX uq_auth_refresh_tokens_hash ON auth_refresh_tokens (token_hash);
    CREATE INDEX idx_auth_refresh_tokens_session ON auth_refresh_tokens (session_id);

    CREATE TABLE auth_one_time_tokens (
      id          bigserial PRIMARY KEY,
      user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      purpose     varchar(30) NOT NULL,
      token_hash  varchar(64) NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      expires_at  timestamptz NOT NULL,
      used_at     timestamptz,
      CONSTRAINT auth_one_time_tokens_purpose_valid CHECK (purpose IN ('email_verification', 'password_reset')),
      CONSTRAINT auth_one_time_tokens_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$')
    );
    CREATE UNIQUE INDEX uq_auth_one_time_tokens_hash ON auth_one_time_tokens (token_hash);
    CREATE INDEX idx_auth_one_time_tokens_user ON auth_one_time_tokens (user_id, purpose) WHERE used_at IS NULL;
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP TABLE IF EXISTS auth_one_time_tokens;
    DROP TABLE IF EXISTS auth_refresh_tokens;
    DROP TABLE IF EXISTS auth_sessions;
    ALTER TABLE users
      DROP CONSTRAINT IF EXISTS users_failed_login_attempts_non_negative,
      DROP CONSTRAINT IF EXISTS users_role_valid,
      DROP COLUMN IF EXISTS locked_until,
      DROP COLUMN IF EXISTS failed_login_attempts,
      DROP COLUMN IF EXISTS role;
    `,
    )
    .execute(db);
}
