// The public leaderboard: sortable, filtered by category, window and minimum trades, searchable by
// address or name, paginated by the API's cursors, with a P&L sparkline per trader.
import {
  Anchor,
  Badge,
  Button,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { get } from '../api/client';
import type { LeaderboardEntry, Page, Sparklines } from '../api/types';
import { Money, Percent } from '../components/figures';
import { Sparkline } from '../components/sparkline';
import { Empty, ErrorState, Loading } from '../components/states';
import { number, percent, shortWallet } from '../lib/format';
import { usePageTitle } from '../lib/use-page-title';

type Sort = 'pnl' | 'win_rate' | 'volume' | 'followers' | 'sharpe';
type Window = '7d' | '30d' | '90d' | 'all';

// The API's market categories (GET /leaderboard?category=, the same names a follow filters on).
const CATEGORIES = [
  { value: '', label: 'All categories' },
  { value: 'politics', label: 'Politics' },
  { value: 'sports', label: 'Sports' },
  { value: 'esports', label: 'Esports' },
  { value: 'crypto', label: 'Crypto' },
  { value: 'culture', label: 'Culture' },
  { value: 'mentions', label: 'Mentions' },
  { value: 'weather', label: 'Weather' },
  { value: 'economics', label: 'Economics' },
  { value: 'tech', label: 'Tech' },
  { value: 'finance', label: 'Finance' },
];

const WINDOWS: { value: Window; label: string; column: string }[] = [
  { value: '7d', label: 'Last 7 days', column: 'P&L 7d' },
  { value: '30d', label: 'Last 30 days', column: 'P&L 30d' },
  { value: '90d', label: 'Last 90 days', column: 'P&L 90d' },
  { value: 'all', label: 'All time', column: 'P&L all time' },
];

function SortHeader({
  label,
  value,
  sort,
  onSort,
}: {
  label: string;
  value: Sort;
  sort: Sort;
  onSort: (s: Sort) => void;
}) {
  const active = sort === value;
  return (
    <Table.Th aria-sort={active ? 'descending' : 'none'}>
      <UnstyledButton onClick={() => onSort(value)} fw={700} fz="sm" aria-label={`Sort by ${label}`}>
        {label} {active ? '▼' : ''}
      </UnstyledButton>
    </Table.Th>
  );
}

function Copyability({ e }: { e: LeaderboardEntry }) {
  if (e.copyable === null)
    return (
      <Text span c="dimmed" fz="sm">
        not measured
      </Text>
    );
  if (!e.copyable)
    return (
      <Badge color="orange" variant="light">
        hard to copy
      </Badge>
    );
  return (
    <Text span fz="sm">
      {percent(e.copyFillRate, { ratio: true, places: 0 })} filled
      {e.copyMedianSlippageBps !== null ? `, ${number(e.copyMedianSlippageBps, 0)} bps` : ''}
    </Text>
  );
}

function Row({ e, spark }: { e: LeaderboardEntry; spark: string[] | undefined }) {
  const name = e.displayName ?? shortWallet(e.wallet);
  return (
    <Table.Tr>
      <Table.Td>{e.rank}</Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/traders/${e.wallet}`} className="pc-nowrap">
          {name}
        </Anchor>
        {e.displayName && (
          <Text fz="xs" c="dimmed" ff="monospace">
            {shortWallet(e.wallet)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Money value={e.pnl} signed />
      </Table.Td>
      <Table.Td>
        <Percent value={e.pnlPercent} signed />
      </Table.Td>
      <Table.Td>
        <Percent value={e.winRate} places={1} />
      </Table.Td>
      <Table.Td>{e.sharpeRatio === null ? '—' : number(e.sharpeRatio, 2)}</Table.Td>
      <Table.Td>{e.maxDrawdown == null ? '—' : percent(e.maxDrawdown, { places: 1 })}</Table.Td>
      <Table.Td>{number(e.totalTrades)}</Table.Td>
      <Table.Td>
        <Money value={e.totalVolumeUsd} places={0} />
      </Table.Td>
      <Table.Td>{number(e.followerCount)}</Table.Td>
      <Table.Td>
        <Copyability e={e} />
      </Table.Td>
      <Table.Td>{spark ? <Sparkline values={spark} label={`P&L trend of ${name}`} /> : null}</Table.Td>
    </Table.Tr>
  );
}

export function LeaderboardPage() {
  usePageTitle('Leaderboard');
  const [sort, setSort] = useState<Sort>('pnl');
  const [window, setWindow] = useState<Window>('7d');
  const [category, setCategory] = useState('');
  const [minTrades, setMinTrades] = useState('');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const reset = () => setCursors([null]);
  const minTradesValue = /^\d+$/.test(minTrades) ? minTrades : undefined;

  const query = {
    sort,
    window,
    q: q || undefined,
    minTrades: minTradesValue,
    category: category || undefined,
    limit: 25,
    cursor: cursor ?? undefined,
  };
  const page = useQuery({
    queryKey: ['leaderboard', query],
    queryFn: ({ signal }) => get<Page<LeaderboardEntry>>('/leaderboard', query, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const wallets = (page.data?.items.map((e) => e.wallet) ?? []).sort();
  const sparks = useQuery({
    queryKey: ['sparklines', wallets],
    queryFn: ({ signal }) =>
      get<Sparklines>('/leaderboard/sparklines', { wallets: wallets.join(','), days: 30 }, signal),
    enabled: wallets.length > 0,
    retry: false,
    staleTime: 300_000,
  });

  const onSort = (s: Sort) => {
    setSort(s);
    reset();
  };
  return (
    <Stack>
      <Title order={1}>Leaderboard</Title>
      <Text c="dimmed">
        Polymarket traders ranked by what they made, and by what their followers actually got.
      </Text>
      <Group align="end" gap="sm" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="0x… address or name"
          value={search}
          onChange={(ev) => {
            setSearch(ev.currentTarget.value);
            reset();
          }}
          w={{ base: '100%', xs: 240 }}
        />
        <NativeSelect
          label="Category"
          data={CATEGORIES}
          value={category}
          onChange={(ev) => {
            setCategory(ev.currentTarget.value);
            reset();
          }}
          w={{ base: '100%', xs: 200 }}
        />
        <NativeSelect
          label="Window"
          data={WINDOWS.map(({ value, label }) => ({ value, label }))}
          value={window}
          onChange={(ev) => {
            setWindow(ev.currentTarget.value as Window);
            reset();
          }}
          w={{ base: '100%', xs: 160 }}
        />
        <TextInput
          label="Minimum trades"
          inputMode="numeric"
          value={minTrades}
          error={minTrades !== '' && !minTradesValue ? 'a whole number' : undefined}
          onChange={(ev) => {
            setMinTrades(ev.currentTarget.value.trim());
            reset();
          }}
          w={{ base: '100%', xs: 140 }}
        />
      </Group>
      {page.isPending ? (
        <Loading label="Loading the leaderboard" />
      ) : page.isError ? (
        <ErrorState error={page.error} retry={() => void page.refetch()} />
      ) : page.data.items.length === 0 ? (
        <Empty>No trader matches these filters yet.</Empty>
      ) : (
        <div className="pc-table-wrap">
          <Table striped highlightOnHover verticalSpacing="xs" aria-label="Leaderboard">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Rank</Table.Th>
                <Table.Th>Trader</Table.Th>
                <SortHeader
                  label={WINDOWS.find((w) => w.value === window)?.column ?? 'P&L'}
                  value="pnl"
                  sort={sort}
                  onSort={onSort}
                />
                <Table.Th>ROI</Table.Th>
                <SortHeader label="Win rate" value="win_rate" sort={sort} onSort={onSort} />
                <SortHeader label="Sharpe" value="sharpe" sort={sort} onSort={onSort} />
                <Table.Th>Max drawdown</Table.Th>
                <Table.Th>Trades</Table.Th>
                <SortHeader label="Volume" value="volume" sort={sort} onSort={onSort} />
                <SortHeader label="Followers" value="followers" sort={sort} onSort={onSort} />
                <Table.Th>Copyability</Table.Th>
                <Table.Th>30 days</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {page.data.items.map((e) => (
                <Row key={e.wallet} e={e} spark={sparks.data?.series[e.wallet]} />
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      <Group justify="space-between">
        <Button
          variant="default"
          disabled={cursors.length <= 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous page
        </Button>
        <Text c="dimmed" fz="sm">
          Page {cursors.length}
        </Text>
        <Button
          variant="default"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data.nextCursor])}
        >
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
