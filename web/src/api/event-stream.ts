// The signed-in person's live events (GET /api/v1/events) read with fetch, so the access token
// travels in the Authorization header and never in a URL. The stream reconnects by itself with
// backoff (the server closes it when the token expires: the next attempt renews the token first).
import { accessToken, API_BASE, refreshSession } from './client';

export interface UserEvent {
  type: string;
  at: string;
  data: Record<string, unknown> | null;
}

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamHandlers {
  onEvent(e: UserEvent): void;
  onState(s: StreamState): void;
}

function parseFrames(buffer: string, emit: (type: string, data: string) => void): string {
  const frames = buffer.split(/\r?\n\r?\n/);
  const rest = frames.pop() ?? '';
  for (const frame of frames) {
    let type = 'message';
    const data: string[] = [];
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length) emit(type, data.join('\n'));
  }
  return rest;
}

async function readOnce(signal: AbortSignal, h: StreamHandlers): Promise<'auth' | 'ended'> {
  if (!accessToken()) await refreshSession();
  const token = accessToken();
  if (!token) return 'auth';
  const res = await fetch(`${API_BASE}/events`, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'text/event-stream',
      'x-requested-with': 'polycopy-web',
    },
    signal,
  });
  if (res.status === 401) return 'auth';
  if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
  h.onState('open');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let expired = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer = parseFrames(buffer + value, (type, data) => {
      if (type === 'auth.expired') expired = true;
      try {
        h.onEvent(JSON.parse(data) as UserEvent);
      } catch {
        // A frame that is not JSON is not ours to show.
      }
    });
  }
  return expired ? 'auth' : 'ended';
}

/** Opens the stream and keeps it open until `stop()`; returns the stop function. */
export function openEventStream(h: StreamHandlers): () => void {
  const abort = new AbortController();
  let attempt = 0;
  void (async () => {
    h.onState('connecting');
    while (!abort.signal.aborted) {
      try {
        const end = await readOnce(abort.signal, h);
        if (end === 'auth' && !(await refreshSession())) break;
        attempt = 0;
      } catch {
        if (abort.signal.aborted) break;
        attempt++;
      }
      if (abort.signal.aborted) break;
      h.onState('reconnecting');
      // 1 s, 2 s, 4 s… up to 30 s, with jitter so tabs do not reconnect in step.
      const wait = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)) * (0.75 + Math.random() / 2);
      await new Promise((r) => setTimeout(r, attempt === 0 ? 500 : wait));
    }
    h.onState('closed');
  })();
  return () => abort.abort();
}
