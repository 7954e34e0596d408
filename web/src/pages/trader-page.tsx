// A trader's page: P&L chart, stat cards, recent fills (with "what happened to my copy"), what
// copying delivered, the what-if backtest, and the Follow form.
import { Anchor, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, get } from '../api/client';
import type { CreatedFollow, Follow, PublicConfig, TraderProfile } from '../api/types';
import { useSession } from '../auth/session';
import { Money, Percent } from '../components/figures';
import { FollowForm, type FollowBody } from '../components/follow-form';
import { StatCard } from '../components/stat-card';
import { ErrorState, Loading } from '../components/states';
import { number, shortWallet, when } from '../lib/format';
import { usePageTitle } from '../lib/use-page-title';
import { BacktestPanel } from './trader/backtest-panel';
import { CopyabilityCard } from './trader/copyability-card';
import { OpenPositions, useTraderPositions } from './trader/open-positions';
import { RecentFills } from './trader/recent-fills';
import { TraderPnlChart } from './trader/trader-pnl-chart';

function Stats({ s, wallet }: { s: TraderProfile['stats']; wallet: string }) {
  const open = useTraderPositions(wallet).data?.summary;
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }}>
      <StatCard label="P&L 7 days" hint={<Percent value={s.pnl7dPercent} signed />}>
        <Money value={s.pnl7d} signed />
      </StatCard>
      <StatCard label="P&L all time" hint={<Percent value={s.totalPnlPercent} signed />}>
        <Money value={s.totalPnl} signed />
      </StatCard>
      <StatCard
        label="Unrealized P&L"
        hint={
          open
            ? `${number(open.openPositions)} open, ${number(open.costUsd, 2)} USD at cost` +
              (open.unmarked > 0 ? `, ${open.unmarked} not marked yet` : '')
            : undefined
        }
      >
        {open ? <Money value={open.unrealizedPnlUsd} signed /> : '—'}
      </StatCard>
      <StatCard label="Win rate" hint={`${s.winningTrades} won, ${s.losingTrades} lost`}>
        <Percent value={s.winRate} places={1} />
      </StatCard>
      <StatCard label="Sharpe">{s.sharpeRatio === null ? '—' : number(s.sharpeRatio, 2)}</StatCard>
      <StatCard label="Max drawdown">
        <Percent value={s.maxDrawdown} places={1} />
      </StatCard>
      <StatCard label="Trades" hint={`avg ${number(s.avgTradeSizeUsd, 2)} USD`}>
        {number(s.totalTrades)}
      </StatCard>
      <StatCard label="Volume">
        <Money value={s.totalVolumeUsd} places={0} />
      </StatCard>
      <StatCard label="Followers" hint={`last trade ${when(s.lastTradeAt)}`}>
        {number(s.followerCount)}
      </StatCard>
    </SimpleGrid>
  );
}

function useMyFollow(wallet: string) {
  const { user } = useSession();
  return useQuery({
    queryKey: ['follows'],
    queryFn: () =>
      api<{ items: Follow[]; nextCursor: string | null }>('GET', '/follows', { query: { limit: 100 } }),
    enabled: !!user,
    select: (r) => r.items.find((f) => f.traderWallet === wallet && f.status !== 'stopped') ?? null,
  });
}

export default function TraderPage() {
  const wallet = (useParams().wallet ?? '').toLowerCase();
  const { user } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const profile = useQuery({
    queryKey: ['trader', wallet],
    queryFn: ({ signal }) => get<TraderProfile>(`/traders/${wallet}`, { limit: 20 }, signal),
    refetchInterval: 30_000,
  });
  const mine = useMyFollow(wallet);
  const config = useQuery({
    queryKey: ['config'],
    queryFn: ({ signal }) => get<PublicConfig>('/config', undefined, signal),
    staleTime: 5 * 60_000,
  });
  const name = profile.data?.stats.displayName ?? shortWallet(wallet);
  usePageTitle(name);

  if (profile.isPending) return <Loading label="Loading the trader" />;
  if (profile.isError) {
    if (profile.error instanceof ApiError && profile.error.status === 404)
      return <ErrorState title="No such trader" error={new Error('This wallet is not a trader we know.')} />;
    return <ErrorState error={profile.error} retry={() => void profile.refetch()} />;
  }
  const p = profile.data;

  async function follow(body: FollowBody, totp: string | null) {
    await api<CreatedFollow>('POST', '/follows', {
      body: { traderWallet: wallet, ...body },
      headers: totp ? { 'x-totp': totp } : {},
    });
    close();
    await queryClient.invalidateQueries({ queryKey: ['follows'] });
    navigate('/dashboard');
  }

  return (
    <Stack>
      <Group justify="space-between" align="start" wrap="wrap">
        <Stack gap={2}>
          <Title order={1}>{name}</Title>
          <Text ff="monospace" size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>
            {wallet}
          </Text>
          {p.stats.isVerified && <Badge variant="light">verified</Badge>}
        </Stack>
        {!user ? (
          <Button component={Link} to={`/sign-in?next=/traders/${wallet}`}>
            Sign in to follow
          </Button>
        ) : mine.data ? (
          <Group gap="xs">
            <Badge size="lg" variant="light" color={mine.data.status === 'active' ? 'teal' : 'gray'}>
              {mine.data.status === 'active' ? 'Following' : 'Paused'} ({mine.data.mode})
            </Badge>
            <Anchor component={Link} to="/dashboard">
              Manage on my dashboard
            </Anchor>
          </Group>
        ) : (
          <Button onClick={open}>Follow</Button>
        )}
      </Group>
      <Paper withBorder p="md">
        <TraderPnlChart wallet={wallet} profile={p} />
      </Paper>
      <Stats s={p.stats} wallet={wallet} />
      <CopyabilityCard c={p.copyability} />
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          Open positions
        </Title>
        <OpenPositions wallet={wallet} />
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          Recent fills
        </Title>
        <RecentFills wallet={wallet} fills={p.recentFills.items} following={!!mine.data} />
      </Paper>
      {user && (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            What if I had copied?
          </Title>
          <BacktestPanel wallet={wallet} />
        </Paper>
      )}
      <Modal opened={opened} onClose={close} title={`Follow ${name}`} size="lg">
        {config.data ? (
          <FollowForm
            defaults={config.data.followDefaults}
            submitLabel="Start following"
            needsTotp={!!user?.twoFactorEnabled}
            onSubmit={follow}
          />
        ) : config.isError ? (
          <ErrorState error={config.error} />
        ) : (
          <Loading label="Loading the defaults" />
        )}
      </Modal>
    </Stack>
  );
}
