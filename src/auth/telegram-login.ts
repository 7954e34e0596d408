// The Telegram login widget's signed payload (https://core.telegram.org/widgets/login#checking-authorization):
// the data-check-string is every received field except `hash` as `key=value`, sorted by key and
// joined with newlines; `hash` must be its HMAC-SHA256 under SHA-256(bot token). A payload is
// accepted for one day after its auth_date.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../services/app-error.ts';

export const TELEGRAM_AUTH_MAX_AGE_S = 86_400;
/** Clock skew tolerated for an auth_date in the future. */
const FUTURE_SKEW_S = 300;

export interface TelegramLoginPayload {
  id: number;
  first_name: string;
  last_name?: string | undefined;
  username?: string | undefined;
  photo_url?: string | undefined;
  auth_date: number;
  hash: string;
}

export function telegramDataCheckString(payload: TelegramLoginPayload): string {
  return Object.entries(payload)
    .filter(([k, v]) => k !== 'hash' && v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n');
}

export function telegramHash(payload: TelegramLoginPayload, botToken: string): string {
  const secret = createHash('sha256').update(botToken, 'utf8').digest();
  return createHmac('sha256', secret).update(telegramDataCheckString(payload), 'utf8').digest('hex');
}

/** Throws invalid_signature unless the payload is Telegram's, for this bot, and recent. */
export function verifyTelegramLogin(payload: TelegramLoginPayload, botToken: string, now: Date): void {
  const expected = Buffer.from(telegramHash(payload, botToken), 'hex');
  const given = Buffer.from(payload.hash, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError('invalid_signature', 'the Telegram login data is not signed by this bot');
  }
  const age = now.getTime() / 1000 - payload.auth_date;
  if (age > TELEGRAM_AUTH_MAX_AGE_S) {
    throw new AppError('invalid_signature', 'the Telegram login is older than one day; sign in again');
  }
  if (age < -FUTURE_SKEW_S)
    throw new AppError('invalid_signature', 'the Telegram login is dated in the future');
}
