// The SSE test client shared by the live-event tests.
export interface Frame {
  event: string;
  data: { type: string; at: string; data: Record<string, unknown>; truncated?: boolean };
}

/**
 * A minimal SSE client over fetch: collects frames and comment lines. `token` is an access token
 * (sent as Authorization: Bearer) or, as `{ ticket }`, a one-time stream ticket (sent in the URL).
 */
export async function openStream(baseUrl: string, token: string | { ticket: string }) {
  const ac = new AbortController();
  const res =
    typeof token === 'string'
      ? await fetch(`${baseUrl}/api/v1/events`, {
          headers: { authorization: `Bearer ${token}` },
          signal: ac.signal,
        })
      : await fetch(`${baseUrl}/api/v1/events?ticket=${encodeURIComponent(token.ticket)}`, {
          signal: ac.signal,
        });
  const frames: Frame[] = [];
  const comments: string[] = [];
  let ended = false;
  const pump = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) frames.push({ event, data: JSON.parse(data.join('\n')) as Frame['data'] });
        }
      }
    } catch {
      // aborted
    } finally {
      ended = true;
    }
  })();
  const until = async (check: () => boolean, what: string, ms = 5000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(frames)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const stream = {
    res,
    frames,
    comments,
    get ended() {
      return ended;
    },
    until,
    /** Waits for a frame matching type (and predicate) and returns it. */
    async next(type: string, pred: (f: Frame) => boolean = () => true, ms = 5000): Promise<Frame> {
      let found: Frame | undefined;
      await until(() => (found = frames.find((f) => f.event === type && pred(f))) !== undefined, type, ms);
      return found!;
    },
    async close() {
      ac.abort();
      await pump;
    },
  };
  // The stream is subscribed before its first bytes are written: wait for them.
  if (res.status === 200) await until(() => comments.includes('connected'), 'the connected comment');
  return stream;
}
