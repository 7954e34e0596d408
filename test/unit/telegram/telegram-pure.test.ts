// The bot's pure parts: button payloads (strict grammar, ≤ 64 bytes, no row ids), number formats,
// setting values typed in a chat, and notification texts (valid Telegram HTML whatever the market
// title holds).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { COPY_OUTCOME_REASONS } from '../../../src/domain/skip-reasons.ts';
import { reasonAdvice } from '../../../src/domain/notifications/reason-advice.ts';
import { decodeCallback, encodeCallback, type Callback } from '../../../src/telegram/callback-data.ts';
import { parseSettingValue } from '../../../src/telegram/commands/follow-settings-view.ts';
import { pct, pnl, shortWallet, usd } from '../../../src/telegram/format.ts';
import { renderBatch, renderOne, type NotificationItem } from '../../../src/telegram/notifications/render.ts';
import { sayAppError } from '../../../src/telegram/safe-errors.ts';
import { AppError } from '../../../src/services/app-error.ts';
import { htmlProblem } from '../../support/fake-bot-api.ts';

const W = '0x' + 'ab'.repeat(20);

describe('button payloads', () => {
  const samples: Callback[] = [
    { op: 'trader', wallet: W },
    { op: 'follow', wallet: W, mode: 'live' },
    { op: 'follow_live_confirm', wallet: W },
    { op: 'settings', wallet: W },
    { op: 'setting_menu', wallet: W, setting: 'tp' },
    { op: 'setting_set', wallet: W, setting: 'pf', value: '1234567.123456' },
    { op: 'setting_set', wallet: W, setting: 'sl', value: 'off' },
    { op: 'setting_type', wallet: W, setting: 'mn' },
    { op: 'pause', wallet: 'all' },
    { op: 'resume', wallet: W },
    { op: 'unfollow_ask', wallet: W },
    { op: 'unfollow', wallet: W, positions: 'close' },
    { op: 'why', fillKeyPrefix: '0123456789abcdef' },
    { op: 'stop', positions: 'keep' },
    { op: 'notify', kind: 'operator_alert', level: 'silent' },
    { op: 'notify_all', enabled: false },
    { op: 'top', category: 'consistent_winners' },
    { op: 'cancel' },
  ];
  it('round-trips every kind within Telegram’s 64 bytes', () => {
    for (const c of samples) {
      const data = encodeCallback(c);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(decodeCallback(data)).toEqual(c);
    }
  });
  it('refuses anything else', () => {
    for (const bad of [
      undefined,
      '',
      'x',
      't:0x12',
      `t:${W}x`,
      `sv:${W}:pf:-1`,
      `sv:${W}:zz:1`,
      'w:XYZ',
      'n:copy_executed:loud',
      `pa:${W.toUpperCase()}`,
      'c:1',
      `u:${W}:k:extra`,
    ])
      expect(decodeCallback(bad)).toBeNull();
  });
});

describe('formats', () => {
  it('writes money, P&L and percentages for people', () => {
    expect(usd('1234567.891')).toBe('$1,234,567.89');
    expect(usd('-3.2')).toBe('-$3.20');
    expect(pnl('3.204')).toBe('+$3.20');
    expect(pnl('-0.004')).toBe('$0.00');
    expect(pct('2.5', { signed: true })).toBe('+2.5%');
    expect(shortWallet(W)).toBe('0xabab…abab');
  });
  it('parses typed setting values against the shared ranges', () => {
    expect(parseSettingValue('pf', '7.5%')).toEqual({
      ok: true,
      input: { sizingMode: 'proportional', proportionalityFactor: '0.075' },
    });
    expect(parseSettingValue('fx', '$12.50')).toEqual({
      ok: true,
      input: { sizingMode: 'fixed_usd', fixedAmountUsd: '12.5' },
    });
    expect(parseSettingValue('cs', 'off')).toEqual({ ok: true, input: { copySells: false } });
    expect(parseSettingValue('cb', 'maybe').ok).toBe(false);
    expect(parseSettingValue('cf', 'never')).toEqual({ ok: true, input: { maxConsecutiveFailures: null } });
    expect(parseSettingValue('cf', '0').ok).toBe(false);
    expect(parseSettingValue('cf', '2.5').ok).toBe(false);
    expect(parseSettingValue('mb', '1.5')).toMatchObject({
      ok: false,
      message: expect.stringContaining('at most 1'),
    });
    expect(parseSettingValue('bg', 'off')).toEqual({ ok: true, input: { budgetUsd: null } });
    expect(parseSettingValue('mt', '$1,250')).toEqual({
      ok: true,
      input: { maxInvestmentPerTradeUsd: '1250' },
    });
    expect(parseSettingValue('sl', 'off')).toEqual({ ok: true, input: { stopLossPercent: null } });
    expect(parseSettingValue('sp', 'off').ok).toBe(false);
    expect(parseSettingValue('sp', '100.5')).toMatchObject({
      ok: false,
      message: expect.stringContaining('at most 100'),
    });
    expect(parseSettingValue('mt', '0')).toMatchObject({
      ok: false,
      message: expect.stringContaining('greater than 0'),
    });
    expect(parseSettingValue('pf', '1e3').ok).toBe(false);
    expect(parseSettingValue('mt', '12.345')).toMatchObject({
      ok: false,
      message: expect.stringContaining('2 decimal places'),
    });
  });
});

describe('notification texts', () => {
  const market = { title: 'Will <b>X</b> & "Y" happen?', outcome: 'Yes & No' };
  const leader = {
    wallet: W,
    side: 'BUY' as const,
    price: '0.51',
    size: '2000',
    filledAt: new Date('2030-01-01T00:00:00Z'),
  };
  const items: NotificationItem[] = [
    {
      kind: 'copy_executed',
      at: '',
      data: {
        side: 'BUY',
        mode: 'paper',
        purpose: 'copy',
        size: '20',
        price: '0.512',
        notionalUsd: '10.24',
        feesUsd: '0.01',
        executedAt: '2030-01-01T00:00:01.500Z',
        traderWallet: W,
      },
      market,
      leader,
      copy: { slippagePercent: '0.39', executedAt: new Date('2030-01-01T00:00:01.500Z') },
    },
    {
      kind: 'copy_failed',
      at: '',
      data: { reason: 'insufficient_balance', fillKey: 'ab'.repeat(32) },
      market,
      leader,
    },
    { kind: 'copy_skipped', at: '', data: { reason: 'made_up_future_code' }, market },
    { kind: 'position_closed', at: '', data: { cause: 'take_profit', realizedPnlUsd: '3.2' }, market },
    {
      kind: 'daily_summary',
      at: '',
      data: {
        date: '2030-01-01',
        executed: '3',
        skipped: '1',
        failed: '0',
        realizedTodayUsd: '1',
        unrealizedUsd: '-2',
        paperEquityUsd: '1000',
        exposureUsd: '20',
      },
    },
    {
      kind: 'operator_alert',
      at: '',
      data: { alert: 'kill_switch', enabled: true, reason: '<maintenance> & more' },
    },
    {
      kind: 'operator_alert',
      at: '',
      data: { alert: 'needs_operator', mode: 'live', side: 'BUY', attempts: '10' },
    },
  ];
  it('is valid Telegram HTML for every kind, alone and batched', () => {
    for (const i of items) expect(htmlProblem(renderOne(i)), renderOne(i)).toBeNull();
    expect(htmlProblem(renderBatch(items))).toBeNull();
    expect(htmlProblem(renderBatch(Array.from({ length: 40 }, () => items[1]!)))).toBeNull();
  });
  it('puts your fill next to the leader’s, with slippage and latency', () => {
    const text = renderOne(items[0]!);
    expect(text).toContain('You: 20 @ 0.512 = $10.24');
    expect(text).toContain('Leader: 2000 @ 0.51');
    expect(text).toContain('slippage +0.39%');
    expect(text).toContain('1.5 s after the leader');
  });
  it('says what to do for every reason a copy can fail or be skipped', () => {
    for (const r of COPY_OUTCOME_REASONS) expect(reasonAdvice(r), r).toBeTruthy();
    expect(renderOne(items[1]!)).toContain('Deposit or lower the size');
  });
  it('keeps a huge burst under Telegram’s limit', () => {
    const text = renderBatch(Array.from({ length: 500 }, () => items[1]!));
    expect(text.length).toBeLessThan(4096);
    expect(text).toContain('500 updates');
    expect(text).toContain('more — /history');
  });
});

describe('what the chat is told about errors', () => {
  it('never shows row ids or API field names', () => {
    const text = sayAppError(new AppError('conflict', `you already follow ${W} (relationship 42, paused)`));
    expect(text).not.toMatch(/42|relationship/);
    expect(
      sayAppError(
        new AppError('validation_failed', 'minTradeSizeUsd must not exceed maxInvestmentPerTradeUsd'),
      ),
    ).toBe('Min trade must not exceed max per trade.');
  });
});

describe('configuration', () => {
  const token = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  it('adds the telegram role to the default roles when a token is set, and needs a token for it', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token }).roles).toContain('telegram');
    expect(loadConfig({}).roles).not.toContain('telegram');
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, ROLES: 'api' }).roles).toEqual(['api']);
    expect(() => loadConfig({ ROLES: 'telegram' })).toThrow(/telegram role needs TELEGRAM_BOT_TOKEN/);
    expect(() => loadConfig({ TELEGRAM_API_URL: 'http://fake/' })).toThrow(/slash/);
    expect(
      loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_URL: 'http://127.0.0.1:8450' }).telegram.apiUrl,
    ).toBe('http://127.0.0.1:8450');
  });
});
