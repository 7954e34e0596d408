// Sending and editing the bot's messages: HTML parse mode, no link previews, inline keyboards.
// A callback's answer edits the message its button was on (so choices do not pile up); an edit
// that changes nothing is not an error.
import { GrammyError, InlineKeyboard } from 'grammy';
import type { BotContext } from './bot-context.ts';
import { encodeCallback, type Callback } from './callback-data.ts';

export type Button = { text: string; cb: Callback } | { text: string; url: string };

/** Rows of buttons → an inline keyboard (callback payloads encoded here, nowhere else). */
export function keyboard(rows: ReadonlyArray<ReadonlyArray<Button>>): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const row of rows) {
    for (const b of row) {
      if ('url' in b) kb.url(b.text, b.url);
      else kb.text(b.text, encodeCallback(b.cb));
    }
    kb.row();
  }
  return kb;
}

const OPTIONS = { parse_mode: 'HTML' as const, link_preview_options: { is_disabled: true } };

export async function say(
  ctx: BotContext,
  html: string,
  rows?: ReadonlyArray<ReadonlyArray<Button>>,
): Promise<void> {
  await ctx.reply(html, { ...OPTIONS, ...(rows && rows.length > 0 ? { reply_markup: keyboard(rows) } : {}) });
}

/** In a callback: replaces the pressed message; elsewhere: a new message. */
export async function show(
  ctx: BotContext,
  html: string,
  rows?: ReadonlyArray<ReadonlyArray<Button>>,
): Promise<void> {
  if (!ctx.callbackQuery?.message) return say(ctx, html, rows);
  try {
    await ctx.editMessageText(html, {
      ...OPTIONS,
      ...(rows && rows.length > 0 ? { reply_markup: keyboard(rows) } : {}),
    });
  } catch (err) {
    if (err instanceof GrammyError && /message is not modified/.test(err.description)) return;
    throw err;
  }
}
