// What the chat is told when something fails. A use case's AppError carries a message that is
// safe for people (no secret, no stack), but written for API clients: some name request fields or
// routes, and some name a row id. The bot says the same thing in its own words, and anything that
// is not an AppError becomes one generic line (the details go to the log, never to the chat).
import { AppError } from '../services/app-error.ts';

const FIELD_WORDS: Array<[RegExp, string]> = [
  [/\bmaxInvestmentPerTradeUsd\b/g, 'max per trade'],
  [/\bmaxTotalExposureUsd\b/g, 'max exposure'],
  [/\bminTradeSizeUsd\b/g, 'min trade'],
  [/\bproportionalityFactor\b/g, 'copy %'],
  [/\bmaxSlippagePercent\b/g, 'max slippage'],
  [/\bstopLossPercent\b/g, 'stop-loss'],
  [/\btakeProfitPercent\b/g, 'take-profit'],
  [/\(POST \/credentials\)/g, 'on the web dashboard'],
  [/POST \/auth\/2fa\/enroll/g, 'the web dashboard'],
  // "(relationship 12, paused)" and the like: row ids stay out of chats.
  [/\s*\((?:relationship|queue row|row|id)\s+\d+[^)]*\)/gi, ''],
  [/\b(?:relationship|queue row|user)\s+\d+\b/gi, 'it'],
];

export function sayAppError(err: AppError): string {
  switch (err.code) {
    case 'totp_required':
      return 'Two-factor authentication is on: this needs your authenticator code.';
    case 'invalid_totp':
      return 'That code is wrong or already used. Nothing was changed.';
    case 'account_locked':
      return `Too many wrong codes: your account is locked for ${Math.ceil((err.retryAfterSeconds ?? 1800) / 60)} minutes.`;
    case 'not_found':
      return 'Not found.';
    case 'credential_required':
      return 'Live copying needs your Polymarket API key: connect it on the web dashboard first, or copy in paper mode.';
    default: {
      let text = err.message;
      for (const [re, words] of FIELD_WORDS) text = text.replace(re, words);
      return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');
    }
  }
}

export const GENERIC_FAILURE =
  'Something went wrong on our side. Nothing was changed; try again in a minute.';

/** The chat's line for any error thrown by a handler. */
export function sayError(err: unknown): string {
  return err instanceof AppError ? sayAppError(err) : GENERIC_FAILURE;
}

/** A loggable description of a Bot API error without the bot token (it is part of every URL). */
export function redactToken(text: string, token: string): string {
  return token ? text.split(token).join('<bot-token>') : text;
}
