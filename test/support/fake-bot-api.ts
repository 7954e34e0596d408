// A local stand-in for Telegram's Bot API (https://core.telegram.org/bots/api), for tests and for
// driving the bot by hand: Telegram is unreachable from this machine. It speaks the methods the
// bot uses over real HTTP (POST /bot<token>/<method>, JSON or form bodies, Telegram's
// {ok, result} / {ok:false, error_code, description, parameters} envelope), keeps the chats'
// message history, and lets a test play the people on the other side: send text, press a button,
// edit a message, send a sticker, block the bot.
//
// Faults, as Telegram produces them: 429 with parameters.retry_after, 5xx, connections dropped
// before the request is processed, a second getUpdates terminating the first (409), getUpdates
// refused while a webhook is set (409), messages over 4096 characters and malformed HTML refused
// (400), and 403 for a chat that blocked the bot.
//
// Run it alone: `node bin/run-ts.mjs test/support/fake-bot-api-main.ts --port 8450 --token <token>`
// (control endpoints under /_fake/, see fake-bot-api-main.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeUser {
  id: number;
  first_name: string;
  username?: string;
  is_bot?: false;
}

export interface SentMessage {
  message_id: number;
  chat_id: number;
  text: string;
  parse_mode?: string;
  reply_markup?: { inline_keyboard?: Array<Array<{ text: string; callback_data?: string; url?: string }>> };
  disable_notification?: boolean;
  /** Every earlier text when the bot edited the message. */
  edits: string[];
  date: number;
  deleted?: boolean;
}

export interface FaultPlan {
  /** The next N calls (of `methods`, or any method) answer 429 with retry_after. */
  rateLimit?: { count: number; retryAfter: number; methods?: string[] };
  /** The next N calls have their connection destroyed before they are processed. */
  drop?: { count: number; methods?: string[] };
  /** The next N calls answer 502 Bad Gateway. */
  serverError?: { count: number; methods?: string[] };
}

interface Waiter {
  offset: number;
  limit: number;
  resolve: (updates: unknown[]) => void;
  reject: (description: string) => void;
  timer: NodeJS.Timeout;
}

const BOT_ID = 7_000_000_001;
const ALLOWED_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'code',
  'pre',
  'a',
  'tg-spoiler',
  'blockquote',
]);

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

/** Telegram's HTML check, enough to catch unescaped '<', '&' and unbalanced tags. */
export function htmlProblem(text: string): string | null {
  const stack: string[] = [];
  const re = /<\/?([a-zA-Z-]+)(\s[^>]*)?>|<|&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);|&/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const token = m[0];
    if (token === '<') return "can't parse entities: unexpected '<'";
    if (token === '&') return "can't parse entities: unescaped '&'";
    if (token.startsWith('&')) continue;
    const tag = m[1]!.toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) return `can't parse entities: unsupported start tag "${tag}"`;
    if (token.startsWith('</')) {
      if (stack.pop() !== tag) return `can't parse entities: unexpected end tag "${tag}"`;
    } else stack.push(tag);
  }
  return stack.length > 0 ? `can't parse entities: unclosed tag "${stack.at(-1)}"` : null;
}

export class FakeBotApi {
  readonly token: string;
  readonly botUsername: string;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private updates: Array<{ update_id: number } & Record<string, unknown>> = [];
  private nextUpdateId = 100;
  private nextMessageId = 1;
  private confirmedOffset = 0;
  private waiter: Waiter | undefined;
  private readonly chats = new Map<number, SentMessage[]>();
  private readonly known = new Map<number, FakeUser>();
  private readonly blocked = new Set<number>();
  private readonly userMessages = new Map<number, number>();
  private faults: FaultPlan = {};
  private webhook: { url: string; secret: string | undefined } | null = null;
  private webhookQueue: Promise<void> = Promise.resolve();
  /** Every call received, in order (method names), including refused ones. */
  readonly calls: Array<{ method: string; at: number; chatId?: number }> = [];
  readonly callbackAnswers: Array<{ callback_query_id: string; text?: string; show_alert?: boolean }> = [];
  readonly webhookDeliveries: Array<{ status: number; updateId: number }> = [];
  url = '';

  constructor(opts: { token: string; botUsername?: string }) {
    this.token = opts.token;
    this.botUsername = opts.botUsername ?? 'polycopy_test_bot';
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    this.server = server;
    this.url = `http://${host}:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      this.waiter.resolve([]);
      this.waiter = undefined;
    }
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- the people on the other side

  user(id: number, name = `User${id}`, username?: string): FakeUser {
    const u: FakeUser = { id, first_name: name, ...(username ? { username } : {}) };
    this.known.set(id, u);
    return u;
  }

  private chatOf(u: FakeUser) {
    return {
      id: u.id,
      type: 'private',
      first_name: u.first_name,
      ...(u.username ? { username: u.username } : {}),
    };
  }

  private newUserMessageId(chatId: number): number {
    const n = (this.userMessages.get(chatId) ?? 10_000) + 1;
    this.userMessages.set(chatId, n);
    return n;
  }

  /** Queues an update as Telegram would; returns its update_id. */
  pushUpdate(update: Record<string, unknown>): number {
    const u = { update_id: this.nextUpdateId++, ...update };
    this.updates.push(u);
    this.flushWaiter();
    if (this.webhook) this.deliverWebhook(u);
    return u.update_id;
  }

  /** The user sends a text message (commands are text starting with '/'). */
  sendText(from: FakeUser, text: string, chat?: Record<string, unknown>): number {
    this.known.set(from.id, from);
    const entities = text.startsWith('/')
      ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }]
      : undefined;
    return this.pushUpdate({
      message: {
        message_id: this.newUserMessageId(from.id),
        from: { ...from, is_bot: false },
        chat: chat ?? this.chatOf(from),
        date: Math.floor(Date.now() / 1000),
        text,
        ...(entities ? { entities } : {}),
      },
    });
  }

  sendSticker(from: FakeUser): number {
    return this.pushUpdate({
      message: {
        message_id: this.newUserMessageId(from.id),
        from: { ...from, is_bot: false },
        chat: this.chatOf(from),
        date: Math.floor(Date.now() / 1000),
        sticker: {
          file_id: 'CAACAgIAAxkBAAE',
          file_unique_id: 'AgAD',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          type: 'regular',
        },
      },
    });
  }

  editText(from: FakeUser, messageId: number, text: string): number {
    return this.pushUpdate({
      edited_message: {
        message_id: messageId,
        from: { ...from, is_bot: false },
        chat: this.chatOf(from),
        date: Math.floor(Date.now() / 1000),
        edit_date: Math.floor(Date.now() / 1000),
        text,
      },
    });
  }

  /** The user presses an inline button (any callback data, even one no button carries). */
  press(from: FakeUser, data: string, messageId?: number): number {
    const msg = messageId === undefined ? this.lastMessage(from.id) : this.message(from.id, messageId);
    return this.pushUpdate({
      callback_query: {
        id: `cb${this.nextUpdateId}`,
        from: { ...from, is_bot: false },
        chat_instance: `ci${from.id}`,
        data,
        ...(msg
          ? {
              message: {
                message_id: msg.message_id,
                chat: this.chatOf(from),
                date: msg.date,
                text: msg.text,
                from: { id: BOT_ID, is_bot: true, first_name: 'polycopy' },
              },
            }
          : {}),
      },
    });
  }

  /** Presses the button labelled `label` (a substring) on the chat's latest message that has it. */
  pressButton(from: FakeUser, label: string | RegExp): number {
    for (const m of [...this.messages(from.id)].reverse()) {
      for (const row of m.reply_markup?.inline_keyboard ?? [])
        for (const b of row) {
          const hit = typeof label === 'string' ? b.text.includes(label) : label.test(b.text);
          if (hit && b.callback_data) return this.press(from, b.callback_data, m.message_id);
        }
    }
    throw new Error(`no button "${String(label)}" in chat ${from.id}:\n${this.transcript(from.id)}`);
  }

  block(chatId: number): void {
    this.blocked.add(chatId);
  }

  unblock(chatId: number): void {
    this.blocked.delete(chatId);
  }

  setFaults(plan: FaultPlan): void {
    this.faults = plan;
  }

  // ---- what the bot did

  messages(chatId: number): readonly SentMessage[] {
    return (this.chats.get(chatId) ?? []).filter((m) => !m.deleted);
  }

  allMessages(): SentMessage[] {
    return [...this.chats.values()].flat();
  }

  message(chatId: number, id: number): SentMessage | undefined {
    return this.chats.get(chatId)?.find((m) => m.message_id === id);
  }

  lastMessage(chatId: number): SentMessage | undefined {
    return this.messages(chatId).at(-1);
  }

  transcript(chatId: number): string {
    return this.messages(chatId)
      .map(
        (m) =>
          `#${m.message_id}${m.disable_notification ? ' (silent)' : ''}: ${m.text}${
            m.reply_markup?.inline_keyboard
              ? `\n   [${m.reply_markup.inline_keyboard
                  .flat()
                  .map((b) => b.text)
                  .join('] [')}]`
              : ''
          }`,
      )
      .join('\n');
  }

  /** How many updates the bot has confirmed (getUpdates offset) — nothing left means all consumed. */
  get pendingUpdates(): number {
    return this.updates.filter((u) => u.update_id >= this.confirmedOffset).length;
  }

  /** Waits until a message (new or edited) in `chatId` matches; returns it. */
  async waitFor(
    chatId: number,
    match: string | RegExp | ((m: SentMessage) => boolean),
    opts: { timeoutMs?: number; after?: number } = {},
  ): Promise<SentMessage> {
    const test = (m: SentMessage) =>
      typeof match === 'function'
        ? match(m)
        : typeof match === 'string'
          ? m.text.includes(match)
          : match.test(m.text);
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      const hit = this.messages(chatId).find(
        (m) => (opts.after === undefined || m.message_id > opts.after) && test(m),
      );
      if (hit) return hit;
      if (Date.now() > deadline)
        throw new Error(
          `no message matching ${String(match)} in chat ${chatId}:\n${this.transcript(chatId)}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The newest message id in the chat (0 when none): pass as `after` to wait for the next one. */
  mark(chatId: number): number {
    return this.chats.get(chatId)?.at(-1)?.message_id ?? 0;
  }

  // ---- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (url.pathname.startsWith('/_fake/')) return this.control(req, res, url);
    const body = await readBody(req);
    if (!m) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = m as unknown as [string, string, string];
    const params = { ...Object.fromEntries(url.searchParams), ...body } as Record<string, unknown>;
    const chatId = params.chat_id === undefined ? undefined : Number(params.chat_id);
    this.calls.push({ method, at: Date.now(), ...(chatId !== undefined ? { chatId } : {}) });
    if (this.takeFault('drop', method)) {
      req.socket.destroy();
      return;
    }
    if (this.takeFault('serverError', method))
      return send(res, 502, { ok: false, error_code: 502, description: 'Bad Gateway' });
    const limited = this.takeFault('rateLimit', method);
    if (limited)
      return send(res, 429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${limited}`,
        parameters: { retry_after: limited },
      });
    if (token !== this.token)
      return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    try {
      const result = await this.call(method, params, res);
      if (result === NO_ANSWER) return;
      send(res, 200, { ok: true, result });
    } catch (err) {
      if (err instanceof ApiError)
        return send(res, err.code, {
          ok: false,
          error_code: err.code,
          description: err.description,
          ...(err.parameters ? { parameters: err.parameters } : {}),
        });
      send(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    }
  }

  private takeFault(kind: keyof FaultPlan, method: string): number | false {
    const f = this.faults[kind];
    if (!f || f.count <= 0 || (f.methods && !f.methods.includes(method))) return false;
    f.count -= 1;
    return kind === 'rateLimit' ? (f as NonNullable<FaultPlan['rateLimit']>).retryAfter : 1;
  }

  private async call(method: string, p: Record<string, unknown>, res: ServerResponse): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return {
          id: BOT_ID,
          is_bot: true,
          first_name: 'polycopy',
          username: this.botUsername,
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case 'getUpdates':
        return this.getUpdates(p, res);
      case 'sendMessage':
        return this.sendMessage(p);
      case 'editMessageText':
        return this.editMessageText(p);
      case 'editMessageReplyMarkup':
        return this.editReplyMarkup(p);
      case 'answerCallbackQuery':
        this.callbackAnswers.push(p as (typeof this.callbackAnswers)[number]);
        return true;
      case 'deleteMessage': {
        const msg = this.message(Number(p.chat_id), Number(p.message_id));
        if (msg) msg.deleted = true;
        return true;
      }
      case 'setWebhook':
        this.webhook = {
          url: String(p.url),
          secret: p.secret_token === undefined ? undefined : String(p.secret_token),
        };
        for (const u of this.updates.filter((x) => x.update_id >= this.confirmedOffset))
          this.deliverWebhook(u);
        return true;
      case 'deleteWebhook':
        this.webhook = null;
        return true;
      case 'getWebhookInfo':
        return {
          url: this.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: this.pendingUpdates,
        };
      case 'setMyCommands':
      case 'sendChatAction':
        return true;
      default:
        throw new ApiError(404, 'Not Found: method not found');
    }
  }

  private getUpdates(p: Record<string, unknown>, res: ServerResponse): Promise<unknown> | unknown {
    if (this.webhook)
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    const offset = p.offset === undefined ? 0 : Number(p.offset);
    if (offset > this.confirmedOffset) this.confirmedOffset = offset;
    this.updates = this.updates.filter((u) => u.update_id >= this.confirmedOffset);
    const limit = Math.min(100, Number(p.limit ?? 100));
    const ready = this.updates.slice(0, limit);
    const timeout = Number(p.timeout ?? 0);
    if (ready.length > 0 || timeout <= 0) return ready;
    // Telegram answers the older of two concurrent long polls with 409.
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      this.waiter.reject(
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        offset,
        limit,
        resolve,
        reject: (description) => reject(new ApiError(409, description)),
        timer: setTimeout(
          () => {
            if (this.waiter === waiter) this.waiter = undefined;
            resolve([]);
          },
          Math.min(timeout, 50) * 1000,
        ),
      };
      this.waiter = waiter;
      res.on('close', () => {
        if (this.waiter === waiter) {
          clearTimeout(waiter.timer);
          this.waiter = undefined;
        }
      });
    });
  }

  private flushWaiter(): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    clearTimeout(w.timer);
    w.resolve(this.updates.filter((u) => u.update_id >= this.confirmedOffset).slice(0, w.limit));
  }

  private checkText(p: Record<string, unknown>): string {
    const text = typeof p.text === 'string' ? p.text : '';
    if (text.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
    if (text.length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
    if (p.parse_mode === 'HTML') {
      const problem = htmlProblem(text);
      if (problem) throw new ApiError(400, `Bad Request: ${problem}`);
    }
    const markup = parseMarkup(p.reply_markup);
    for (const b of markup?.inline_keyboard?.flat() ?? [])
      if (b.callback_data !== undefined && Buffer.byteLength(b.callback_data) > 64)
        throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
    return text;
  }

  private sendMessage(p: Record<string, unknown>): unknown {
    const chatId = Number(p.chat_id);
    if (!this.known.has(chatId)) throw new ApiError(400, 'Bad Request: chat not found');
    if (this.blocked.has(chatId)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    const text = this.checkText(p);
    const markup = parseMarkup(p.reply_markup);
    const msg: SentMessage = {
      message_id: this.nextMessageId++,
      chat_id: chatId,
      text,
      ...(typeof p.parse_mode === 'string' ? { parse_mode: p.parse_mode } : {}),
      ...(markup ? { reply_markup: markup } : {}),
      ...(p.disable_notification === true || p.disable_notification === 'true'
        ? { disable_notification: true }
        : {}),
      edits: [],
      date: Math.floor(Date.now() / 1000),
    };
    const list = this.chats.get(chatId) ?? [];
    list.push(msg);
    this.chats.set(chatId, list);
    return this.asTelegramMessage(msg);
  }

  private editMessageText(p: Record<string, unknown>): unknown {
    const chatId = Number(p.chat_id);
    if (this.blocked.has(chatId)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    const msg = this.message(chatId, Number(p.message_id));
    if (!msg) throw new ApiError(400, 'Bad Request: message to edit not found');
    const text = this.checkText(p);
    const markup = parseMarkup(p.reply_markup);
    if (text === msg.text && JSON.stringify(markup ?? null) === JSON.stringify(msg.reply_markup ?? null))
      throw new ApiError(400, 'Bad Request: message is not modified');
    msg.edits.push(msg.text);
    msg.text = text;
    if (markup) msg.reply_markup = markup;
    else delete msg.reply_markup;
    return this.asTelegramMessage(msg);
  }

  private editReplyMarkup(p: Record<string, unknown>): unknown {
    const msg = this.message(Number(p.chat_id), Number(p.message_id));
    if (!msg) throw new ApiError(400, 'Bad Request: message to edit not found');
    const markup = parseMarkup(p.reply_markup);
    if (markup) msg.reply_markup = markup;
    else delete msg.reply_markup;
    return this.asTelegramMessage(msg);
  }

  private asTelegramMessage(m: SentMessage) {
    const u = this.known.get(m.chat_id);
    return {
      message_id: m.message_id,
      from: { id: BOT_ID, is_bot: true, first_name: 'polycopy', username: this.botUsername },
      chat: u ? this.chatOf(u) : { id: m.chat_id, type: 'private' },
      date: m.date,
      text: m.text,
      ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
    };
  }

  /** Webhook delivery: one update at a time, in order, retried until answered 200 (as Telegram). */
  private deliverWebhook(update: { update_id: number }): void {
    this.webhookQueue = this.webhookQueue.then(async () => {
      for (let attempt = 0; attempt < 5 && this.webhook; attempt++) {
        const hook = this.webhook;
        const status = await fetch(hook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}),
          },
          body: JSON.stringify(update),
        }).then(
          async (r) => {
            await r.arrayBuffer();
            return r.status;
          },
          () => 0,
        );
        this.webhookDeliveries.push({ status, updateId: update.update_id });
        if (status === 200) {
          this.confirmedOffset = Math.max(this.confirmedOffset, update.update_id + 1);
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    });
  }

  /** Control endpoints for driving the fake by hand (fake-bot-api-main.ts documents them). */
  private async control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = (await readBody(req)) as Record<string, unknown>;
    const userOf = () =>
      this.user(
        Number(body.userId ?? url.searchParams.get('userId')),
        String(body.name ?? 'Tester'),
        body.username === undefined ? undefined : String(body.username),
      );
    try {
      switch (url.pathname) {
        case '/_fake/send':
          return send(res, 200, { updateId: this.sendText(userOf(), String(body.text)) });
        case '/_fake/press':
          return send(res, 200, { updateId: this.pressButton(userOf(), String(body.label)) });
        case '/_fake/sticker':
          return send(res, 200, { updateId: this.sendSticker(userOf()) });
        case '/_fake/block':
          this.block(Number(body.userId));
          return send(res, 200, { blocked: true });
        case '/_fake/unblock':
          this.unblock(Number(body.userId));
          return send(res, 200, { blocked: false });
        case '/_fake/faults':
          this.setFaults(body as FaultPlan);
          return send(res, 200, this.faults);
        case '/_fake/messages':
          return send(res, 200, {
            transcript: this.transcript(Number(url.searchParams.get('userId'))),
            messages: this.messages(Number(url.searchParams.get('userId'))),
          });
        default:
          return send(res, 404, { error: 'unknown control endpoint' });
      }
    } catch (err) {
      send(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}

const NO_ANSWER = Symbol('no answer');

function parseMarkup(v: unknown): SentMessage['reply_markup'] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return (typeof v === 'string' ? JSON.parse(v) : v) as SentMessage['reply_markup'];
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw === '') return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
