// The Content-Security-Policy of every response (the dashboard's pages above all): only this origin,
// plus what the Telegram login widget needs when a bot is configured (its script from telegram.org,
// its iframe from oauth.telegram.org). No inline scripts and no eval; inline styles are allowed
// because component kits set style attributes. Over https, subresources are upgraded too.
export interface CspOptions {
  /** A Telegram bot is configured: the login widget is on the sign-in page. */
  telegramLogin: boolean;
  /** PUBLIC_URL is https. */
  https: boolean;
}

export function contentSecurityPolicy(opts: CspOptions): Record<string, string[]> {
  const tg = opts.telegramLogin;
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", ...(tg ? ['https://telegram.org'] : [])],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', ...(tg ? ['https://telegram.org', 'https://t.me'] : [])],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'frame-src': tg ? ['https://oauth.telegram.org'] : ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    ...(opts.https ? { 'upgrade-insecure-requests': [] } : {}),
  };
}
