// One structured logger (pino). Secret-bearing fields are redacted wherever they appear, as a
// second line of defence: code must not log secrets in the first place.
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  '*.password',
  '*.passphrase',
  '*.secret',
  '*.apiSecret',
  '*.privateKey',
  '*.private_key',
  '*.api_secret',
  '*.twoFactorSecret',
  '*.totp',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["poly_api_key"]',
  'req.headers["poly_passphrase"]',
  'req.headers["poly_signature"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'polycopy' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
