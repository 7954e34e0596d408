// /portfolio, /positions, /history and /why: reads over the same services as GET /portfolio,
// /positions, /copy-trades and /decisions.
import { Decimal } from '../../domain/money.ts';
import { explainCopies, type CopyExplanation, type ExplainQuery } from '../../services/explain-copy.ts';
import { listCopyTrades } from '../../services/list-copy-trades.ts';
import { listPositions } from '../../services/list-positions.ts';
import { getPortfolioSummary } from '../../services/portfolio-summary.ts';
import { accountOf, type BotContext, type BotDeps } from '../bot-context.ts';
import { bold, clip, code, esc, fitLines, num, pct, pnl, shortWallet, usd, utc } from '../format.ts';
import { say, type Button } from '../reply.ts';

export async function portfolioCommand(ctx: BotContext, deps: BotDeps): Promise<void> {
  const s = await getPortfolioSummary(deps, accountOf(ctx).userId, deps.paperStartingBalance);
  const lines = [
    bold('Portfolio'),
    `Paper equity ${usd(s.paper.equityUsd)} (cash ${usd(s.paper.cashUsd)} + positions ${usd(s.paper.valueUsd)})`,
  ];
  if (s.live.openPositions > 0 || !new Decimal(s.live.exposureUsd).isZero())
    lines.push(`Live positions ${usd(s.live.valueUsd)} (cash is at Polymarket)`);
  lines.push(
    `P&amp;L today ${pnl(s.realizedTodayUsd)} realized · total ${pnl(new Decimal(s.realizedTotalUsd).plus(s.unrealizedUsd))}`,
    `  realized ${pnl(s.realizedTotalUsd)} · unrealized ${pnl(s.unrealizedUsd)}`,
    `Exposure ${usd(new Decimal(s.paper.exposureUsd).plus(s.live.exposureUsd))} in ${s.paper.openPositions + s.live.openPositions} positions · following ${s.tradersFollowing}`,
    `Today: ${s.today.executed} copied · ${s.today.skipped} skipped · ${s.today.failed} failed`,
  );
  await say(ctx, lines.join('\n'));
}

export async function positionsCommand(ctx: BotContext, deps: BotDeps): Promise<void> {
  const page = await listPositions(deps, accountOf(ctx).userId, { status: 'open', limit: 20 });
  if (page.items.length === 0) {
    await say(ctx, 'No open positions.');
    return;
  }
  const lines = page.items.map((p) => {
    const value = p.currentValueUsd ?? p.entryValueUsd;
    return `• ${esc(clip(p.marketName ?? 'market', 40))}${p.outcome ? ` — ${esc(p.outcome)}` : ''}\n   ${num(p.quantity, 2)} @ ${num(p.entryPrice)} · now ${usd(value)} · ${pnl(p.unrealizedPnlUsd ?? '0')} · via ${shortWallet(p.traderWallet)}`;
  });
  await say(
    ctx,
    fitLines([bold('Open positions'), ...lines], (n) => `… and ${n} more (see the web dashboard)`) +
      (page.nextCursor ? '\n… more on the web dashboard' : ''),
  );
}

export async function historyCommand(ctx: BotContext, deps: BotDeps): Promise<void> {
  const userId = accountOf(ctx).userId;
  const [copies, notCopied] = await Promise.all([
    listCopyTrades(deps, userId, { limit: 10 }),
    explainCopies(deps, userId, { kind: 'recent', outcomes: ['skipped', 'failed'] }, 5),
  ]);
  if (copies.items.length === 0 && notCopied.length === 0) {
    await say(ctx, 'No copies yet. Once a trader you follow trades, each copy shows up here.');
    return;
  }
  const lines = [bold('Latest copies')];
  for (const c of copies.items) {
    const side = c.leaderFill?.side ?? '';
    const vs = c.leaderFill ? ` (leader ${num(c.leaderFill.price)})` : '';
    lines.push(
      `✅ ${side} ${num(c.quantity, 2)} @ ${num(c.price)}${vs} · ${usd(c.valueUsd)} · ${esc(clip(c.marketName ?? 'market', 32))} · ${utc(c.executedAt)}`,
    );
  }
  if (notCopied.length > 0) {
    lines.push('', bold('Not copied'));
    for (const e of notCopied)
      lines.push(
        `${e.outcome === 'failed' ? '❌' : '⏭'} ${e.side} · ${esc(clip(e.marketTitle ?? 'market', 32))} · ${esc(e.reasonText ?? e.reason ?? '')}`,
      );
  }
  const buttons: Button[][] = notCopied.slice(0, 5).map((e, i) => [
    {
      text: `Why? (${i + 1}) ${clip(e.marketTitle ?? 'market', 24)}`,
      cb: { op: 'why', fillKeyPrefix: e.fillKey.slice(0, 16) },
    },
  ]);
  await say(
    ctx,
    fitLines(lines, (n) => `… ${n} more on the web dashboard`),
    buttons,
  );
}

export function explanationText(e: CopyExplanation): string {
  const head = `${bold(e.outcome === 'executed' ? '✅ Copied' : e.outcome === 'failed' ? '❌ Failed' : e.outcome === 'queued' ? '⏳ Queued' : '⏭ Skipped')} · ${shortWallet(e.traderWallet)} ${e.side}`;
  const lines = [
    head,
    `${esc(clip(e.marketTitle ?? 'market', 60))}${e.outcomeLabel ? ` — ${esc(e.outcomeLabel)}` : ''}`,
    `Leader: ${num(e.leaderSize, 2)} @ ${num(e.leaderPrice)} · ${utc(e.filledAt)}`,
  ];
  if (e.copy) {
    const slip =
      e.copy.slippagePercent === null ? '' : ` · slippage ${pct(e.copy.slippagePercent, { signed: true })}`;
    const lag = (e.copy.executedAt.getTime() - e.filledAt.getTime()) / 1000;
    lines.push(
      `You: ${num(e.copy.size, 2)} @ ${num(e.copy.price)}${slip} · ${lag.toFixed(1)} s after the leader`,
    );
  }
  if (e.reasonText) lines.push(`Why: ${esc(e.reasonText)}`);
  if (e.detail && e.outcome !== 'executed') lines.push(`<i>${esc(clip(e.detail, 300))}</i>`);
  if (e.advice) lines.push(`→ ${esc(e.advice)}`);
  return lines.join('\n');
}

export async function whyCommand(ctx: BotContext, deps: BotDeps, args: string): Promise<void> {
  const ref = args.trim().toLowerCase();
  let query: ExplainQuery;
  if (ref === '') query = { kind: 'recent' };
  else if (/^0x[0-9a-f]{64}$/.test(ref)) query = { kind: 'tx', transactionHash: ref };
  else if (/^[0-9a-f]{8,64}$/.test(ref)) query = { kind: 'fill', fillKeyPrefix: ref };
  else {
    await say(
      ctx,
      `Send ${code('/why')} for your latest decisions, or ${code('/why <leader tx hash>')}. The “Why?” buttons on notifications work too.`,
    );
    return;
  }
  const found = await explainCopies(deps, accountOf(ctx).userId, query, ref === '' ? 5 : 3);
  if (found.length === 0) {
    await say(ctx, ref === '' ? 'No copy decisions yet.' : 'No copy decision of yours matches that.');
    return;
  }
  if (ref === '') {
    const rows: Button[][] = found.map((e) => [
      {
        text: `${e.outcome === 'executed' ? '✅' : e.outcome === 'failed' ? '❌' : e.outcome === 'queued' ? '⏳' : '⏭'} ${e.side} ${clip(e.marketTitle ?? 'market', 30)}`,
        cb: { op: 'why', fillKeyPrefix: e.fillKey.slice(0, 16) },
      },
    ]);
    await say(ctx, 'Your latest copy decisions — tap one:', rows);
    return;
  }
  await say(ctx, found.map(explanationText).join('\n\n'));
}

export async function whyButton(ctx: BotContext, deps: BotDeps, fillKeyPrefix: string): Promise<void> {
  const found = await explainCopies(deps, accountOf(ctx).userId, { kind: 'fill', fillKeyPrefix }, 1);
  await say(ctx, found.length === 0 ? 'That decision is no longer on record.' : explanationText(found[0]!));
}
