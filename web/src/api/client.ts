// The one fetch wrapper of the app. The access token lives in this module's memory only (never in
// localStorage, sessionStorage or a cookie written by script); the refresh token is an httpOnly
// cookie the API sets on /api/v1/auth, so a page load signs back in with POST /auth/refresh.
// Every request carries X-Requested-With, the API's CSRF marker for cookie-authenticated calls.
import type { TokenPair } from './types';

export const API_BASE = '/api/v1';
const MARKER = { 'x-requested-with': 'polycopy-web' };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface TokenState {
  accessToken: string;
  expiresAt: number;
}

let token: TokenState | null = null;
// A hint, not a secret: "this browser signed in before", so a page load only asks the server to
// refresh when there may be a refresh cookie (strangers' visits cost no rate-limited auth call).
const HINT = 'polycopy.signedIn';

function hint(on: boolean): void {
  try {
    if (on) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch {
    // Storage disabled: refresh on every load instead.
  }
}

export function maySignIn(): boolean {
  try {
    return localStorage.getItem(HINT) === '1';
  } catch {
    return true;
  }
}
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<(signedIn: boolean) => void>();

export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setSession(pair: Pick<TokenPair, 'accessToken' | 'accessTokenExpiresAt'> | null): void {
  const was = token !== null;
  token = pair ? { accessToken: pair.accessToken, expiresAt: Date.parse(pair.accessTokenExpiresAt) } : null;
  hint(token !== null);
  if (was !== (token !== null)) for (const l of listeners) l(token !== null);
}

export function accessToken(): string | null {
  return token?.accessToken ?? null;
}

async function postRefresh(): Promise<boolean> {
  const res = await fetch(`${API_BASE}/auth/refresh`, {
    method: 'POST',
    headers: { ...MARKER, 'content-type': 'application/json' },
    body: '{}',
    credentials: 'same-origin',
  });
  if (!res.ok) {
    setSession(null);
    return false;
  }
  setSession((await res.json()) as TokenPair);
  return true;
}

/**
 * Renews the access token from the refresh cookie. One refresh at a time in this tab, and across
 * tabs through the Web Locks API: a refresh token works once, so two tabs must not spend it twice.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      if (typeof navigator !== 'undefined' && navigator.locks) {
        return await navigator.locks.request('polycopy-refresh', postRefresh);
      }
      return await postRefresh();
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  // Renew a minute before expiry rather than wait for a 401.
  if (token && token.expiresAt - Date.now() < 60_000) await refreshSession();
  const headers: Record<string, string> = { ...MARKER, ...opts.headers };
  if (token) headers.authorization = `Bearer ${token.accessToken}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(buildUrl(path, opts.query), {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    credentials: 'same-origin',
    signal: opts.signal,
  });
}

async function toError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(res.status, body.error?.code ?? 'error', body.error?.message ?? res.statusText);
  } catch {
    return new ApiError(res.status, 'error', `the server answered ${res.status}`);
  }
}

/** Sends a request; on 401 unauthenticated renews the session once and sends it again. */
export async function request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  let res = await send(method, path, opts);
  if (res.status === 401 && token) {
    const err = await toError(res.clone());
    if (err.code === 'unauthenticated' && (await refreshSession())) res = await send(method, path, opts);
  }
  if (!res.ok) throw await toError(res);
  return res;
}

export async function api<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await request(method, path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) =>
  api<T>('GET', path, { query, signal });
