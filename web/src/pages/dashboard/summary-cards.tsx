// The dashboard's cards: equity, today's P&L, realized / unrealized, exposure against the caps.
// From GET /portfolio/summary; a server without it still gives GET /portfolio's figures.
import { Progress, SimpleGrid } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ApiError, get } from '../../api/client';
import type { Portfolio, PortfolioSummary } from '../../api/types';
import { Money } from '../../components/figures';
import { StatCard } from '../../components/stat-card';
import { ErrorState, Loading } from '../../components/states';
import { plot } from '../../lib/format';

export function SummaryCards() {
  const summary = useQuery({
    queryKey: ['portfolio-summary'],
    queryFn: ({ signal }) => get<PortfolioSummary>('/portfolio/summary', undefined, signal),
    retry: false,
    refetchInterval: 30_000,
  });
  const missing = summary.error instanceof ApiError && summary.error.status === 404;
  const basic = useQuery({
    queryKey: ['portfolio'],
    queryFn: ({ signal }) => get<Portfolio>('/portfolio', undefined, signal),
    enabled: missing,
  });
  if (summary.isPending || (missing && basic.isPending)) return <Loading label="Loading your figures" />;
  if (summary.data) {
    const s = summary.data;
    return (
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <StatCard
          label="Paper equity"
          hint={
            <>
              cash <Money value={s.paper.cashUsd} />
            </>
          }
        >
          <Money value={s.paper.equityUsd} />
        </StatCard>
        <StatCard
          label="Live equity"
          hint={
            s.live.cashUsd === null ? (
              'no balance read yet'
            ) : (
              <>
                cash <Money value={s.live.cashUsd} />
              </>
            )
          }
        >
          <Money value={s.live.equityUsd} />
        </StatCard>
        <StatCard
          label="Today"
          hint={`${s.today.executed} copied, ${s.today.skipped} skipped, ${s.today.failed} failed`}
        >
          <Money value={s.realizedTodayUsd} signed />
        </StatCard>
        <StatCard
          label="Realized / unrealized"
          hint={
            <>
              unrealized <Money value={s.unrealizedUsd} signed />
            </>
          }
        >
          <Money value={s.realizedTotalUsd} signed />
        </StatCard>
        <StatCard
          label="Exposure"
          hint={
            <>
              of <Money value={s.caps.maxTotalExposureUsd} places={0} /> cap · {s.caps.tradesToday}/
              {s.caps.maxDailyTrades} trades today
            </>
          }
        >
          <Money value={s.caps.exposureUsd} />
          <Progress
            value={Math.min(100, plot(s.caps.exposureUsedPercent))}
            size="sm"
            mt={4}
            aria-label="Exposure used"
          />
        </StatCard>
      </SimpleGrid>
    );
  }
  if (basic.data) {
    const p = basic.data;
    return (
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <StatCard label="Balance">
          <Money value={p.balanceUsd} />
        </StatCard>
        <StatCard label="Realized P&L">
          <Money value={p.totalRealizedPnlUsd} signed />
        </StatCard>
        <StatCard label="Unrealized P&L">
          <Money value={p.totalUnrealizedPnlUsd} signed />
        </StatCard>
        <StatCard label="Exposure" hint={`${p.openPositions} open positions, ${p.tradersFollowing} traders`}>
          <Money value={p.totalExposureUsd} />
        </StatCard>
      </SimpleGrid>
    );
  }
  return <ErrorState error={summary.error ?? basic.error} retry={() => void summary.refetch()} />;
}
