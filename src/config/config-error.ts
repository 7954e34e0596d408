// What loadConfig (config.ts) reports, and the one default it derives from other variables.

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The URL the platform's own links use when PUBLIC_URL is unset: the address it listens on. A
 * wildcard address (0.0.0.0, ::) names no host a browser can open, so links say localhost then.
 */
export function defaultPublicUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}
