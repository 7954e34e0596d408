// The one error type use cases throw. The code says what happened in terms a client can act on; the
// HTTP edge (src/http/api/error-handler.ts) maps each code to a status, and the message is safe to
// show: it never carries a secret, a stack or another user's data.
export const APP_ERROR_CODES = [
  'validation_failed',
  'weak_password',
  'unauthenticated',
  'invalid_credentials',
  'invalid_token',
  'refresh_token_reused',
  'forbidden',
  'not_found',
  'email_taken',
  'conflict',
  'account_locked',
  'tier_limit_reached',
  'credential_required',
  'credential_rejected',
  'credential_exists',
  'verification_unavailable',
  'rate_limited',
  'totp_required',
  'invalid_totp',
  'invalid_signature',
  'identity_taken',
  'telegram_unavailable',
  'monitoring_unavailable',
  'venue_unavailable',
  'csrf_failed',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Seconds after which retrying can succeed (lockout, rate limits). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
