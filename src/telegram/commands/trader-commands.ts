// /top [category] and /trader <wallet>: the leaderboard and a trader's profile, from the same
// services as GET /leaderboard, /leaderboard/categories/{id} and /traders/{wallet}.
import { CATEGORIES, CATEGORY_IDS, isCategoryId } from '../../domain/analytics/categories.ts';
import { getLeaderboard } from '../../services/leaderboard.ts';
import { listCategory } from '../../services/list-category.ts';
import { getTraderProfile } from '../../services/trader-profile.ts';
import { AppError } from '../../services/app-error.ts';
import type { BotContext, BotDeps } from '../bot-context.ts';
import { bold, clip, esc, num, pct, pnl, ratioPct, shortWallet, traderName, usd, utc } from '../format.ts';
import { show, type Button } from '../reply.ts';

const TOP_N = 10;
export const WALLET_RE = /^0x[0-9a-fA-F]{40}$/;

function categoryButtons(): Button[][] {
  const all: Button = { text: 'All', cb: { op: 'top', category: 'all' } };
  const cats: Button[] = CATEGORY_IDS.map((id) => ({
    text: CATEGORIES[id].title,
    cb: { op: 'top', category: id },
  }));
  return [[all, ...cats.slice(0, 2)], cats.slice(2)];
}

interface Row {
  wallet: string;
  displayName: string | null;
  pnl7d: string;
  totalPnl: string;
  winRate: string;
  copyable: boolean | null;
  fillRate: string | null;
}

function topLine(i: number, r: Row): string {
  const copy =
    r.copyable === null
      ? 'copy n/a'
      : r.copyable
        ? `copy ✓${r.fillRate ? ` ${ratioPct(r.fillRate, 0)}` : ''}`
        : 'copy ✗';
  return `${i}. ${traderName(r.wallet, r.displayName)}\n    7d ${pnl(r.pnl7d)} · all ${pnl(r.totalPnl)} · win ${pct(r.winRate, { places: 0 })} · ${copy}`;
}

export async function topCommand(ctx: BotContext, deps: BotDeps, args: string): Promise<void> {
  const wanted =
    args
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_') || 'all';
  if (wanted !== 'all' && !isCategoryId(wanted)) {
    await show(ctx, `Unknown category. Pick one:`, categoryButtons());
    return;
  }
  let title: string;
  let rows: Row[];
  if (wanted === 'all') {
    title = 'Top traders · 7-day P&L';
    const page = await getLeaderboard(deps, { sort: 'pnl_7d', limit: TOP_N });
    rows = page.items.map((e) => ({ ...e, fillRate: e.copyFillRate }));
  } else {
    title = `Top traders · ${CATEGORIES[wanted].title}`;
    const page = await listCategory(deps, wanted, { limit: TOP_N });
    rows = page.items.map((e) => ({ ...e, copyable: null, fillRate: null }));
  }
  if (rows.length === 0) {
    await show(
      ctx,
      `${bold(title)}\nNo ranked traders yet: the leaderboard fills in as trades are recorded. Try again in a few minutes.`,
      categoryButtons(),
    );
    return;
  }
  const text = [
    bold(title),
    ...rows.map((r, i) => topLine(i + 1, r)),
    '',
    '<i>Tap a trader for details.</i>',
  ].join('\n');
  const traderButtons: Button[][] = [];
  for (let i = 0; i < rows.length; i += 2)
    traderButtons.push(
      rows.slice(i, i + 2).map((r, j) => ({
        text: `${i + j + 1}. ${clip(r.displayName ?? shortWallet(r.wallet), 18)}`,
        cb: { op: 'trader', wallet: r.wallet },
      })),
    );
  await show(ctx, text, [...traderButtons, ...categoryButtons()]);
}

export async function traderCommand(ctx: BotContext, deps: BotDeps, args: string): Promise<void> {
  const wallet = args.trim();
  if (!WALLET_RE.test(wallet)) {
    await show(
      ctx,
      'Send /trader followed by a wallet: 0x and 40 hex characters. /top lists traders with buttons.',
    );
    return;
  }
  let profile;
  try {
    profile = await getTraderProfile(deps, wallet, { limit: 5 });
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') {
      await show(
        ctx,
        `I have no record of ${esc(shortWallet(wallet.toLowerCase()))}. You can still /follow it: copying starts with its next trade.`,
        [[{ text: '📄 Follow (paper)', cb: { op: 'follow', wallet: wallet.toLowerCase(), mode: 'paper' } }]],
      );
      return;
    }
    throw err;
  }
  const s = profile.stats;
  const c = profile.copyability;
  const lines = [
    bold(s.displayName ? `${s.displayName}` : shortWallet(s.wallet)) + ` <code>${esc(s.wallet)}</code>`,
    `P&amp;L 7d ${pnl(s.pnl7d)} · all ${pnl(s.totalPnl)}`,
    `Win rate ${pct(s.winRate, { places: 0 })} · ${s.totalTrades} trades · volume ${usd(s.totalVolumeUsd)}`,
    `Followers ${s.followerCount}${s.rank7d ? ` · rank #${s.rank7d} (7d)` : ''}`,
    c.computedAt === null
      ? 'Copyability: not measured yet'
      : `Copyability: ${c.copyable ? '✓' : '✗'}${c.fillRate ? ` fill ${ratioPct(c.fillRate, 0)}` : ''}${c.medianSlippageBps ? ` · slippage ${num(c.medianSlippageBps, 0)} bps` : ''}${c.latencyP50Ms !== null ? ` · ${(c.latencyP50Ms / 1000).toFixed(1)} s` : ''}`,
  ];
  const fills = profile.recentFills.items;
  if (fills.length > 0) {
    lines.push('', bold('Recent fills'));
    for (const f of fills)
      lines.push(
        `${f.side} ${num(f.size, 2)} @ ${num(f.price)} · ${esc(clip(f.marketTitle ?? f.marketSlug ?? 'market', 40))}${f.outcome ? ` — ${esc(f.outcome)}` : ''} · ${utc(f.filledAt)}`,
      );
  }
  await show(ctx, lines.join('\n'), [
    [
      { text: '📄 Follow (paper)', cb: { op: 'follow', wallet: s.wallet, mode: 'paper' } },
      { text: '💰 Follow (live)', cb: { op: 'follow', wallet: s.wallet, mode: 'live' } },
    ],
  ]);
}
