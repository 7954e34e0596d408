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

// Query parameters whose values are secrets (a token sent in a URL by mistake, the event stream's
// one-time ticket, a Telegram login hash...): their values never reach the request log.
const SECRET_QUERY_PARAM = /token|ticket|secret|password|passphrase|signature|hash|key|code|totp/i;

/** The URL with the values of secret-looking query parameters replaced by [redacted]. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed name is checked as sent.
      }
      return eq >= 0 && SECRET_QUERY_PARAM.test(decoded) ? `${name}=[redacted]` : part;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'polycopy' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: {
        // After the serializers (Fastify's request serializer logs req.url as received).
        log(obj) {
          const req = obj.req as { url?: unknown } | undefined;
          if (req && typeof req.url === 'string') return { ...obj, req: { ...req, url: redactUrl(req.url) } };
          return obj;
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
