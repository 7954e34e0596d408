// The true equity curve: cash plus open positions at their marks, paper and live apart (a fully
// invested portfolio is not drawn as a loss, as a cash-only curve would).
import { Group, Paper, SegmentedControl, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError, get } from '../../api/client';
import type { EquityCurve } from '../../api/types';
import { Money } from '../../components/figures';
import { LineChart } from '../../components/line-chart';
import { Empty, ErrorState, Loading } from '../../components/states';
import { plot } from '../../lib/format';

export function EquityChart() {
  const [mode, setMode] = useState<'paper' | 'live'>('paper');
  const [window, setWindow] = useState('30d');
  const curve = useQuery({
    queryKey: ['equity', mode, window],
    queryFn: ({ signal }) => get<EquityCurve>('/portfolio/equity', { mode, window }, signal),
    retry: false,
    refetchInterval: 60_000,
  });
  const series = useMemo(
    () =>
      curve.data
        ? [
            {
              name: 'Equity',
              area: true,
              points: curve.data.points.map((p) => ({ at: p.at, value: plot(p.equityUsd) })),
            },
            {
              name: 'Cash',
              points: curve.data.points
                .filter((p) => p.cashUsd !== null)
                .map((p) => ({ at: p.at, value: plot(p.cashUsd) })),
            },
          ]
        : [],
    [curve.data],
  );
  const last = curve.data?.points[curve.data.points.length - 1];
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Title order={2} size="h4">
          Equity {last && <Money value={last.equityUsd} fz="md" />}
        </Title>
        <Group gap="xs">
          <SegmentedControl
            size="xs"
            aria-label="Account"
            value={mode}
            onChange={(v) => setMode(v as 'paper' | 'live')}
            data={[
              { value: 'paper', label: 'Paper' },
              { value: 'live', label: 'Live' },
            ]}
          />
          <SegmentedControl
            size="xs"
            aria-label="Equity window"
            value={window}
            onChange={setWindow}
            data={['1d', '7d', '30d', '90d', 'all']}
          />
        </Group>
      </Group>
      {curve.isPending ? (
        <Loading label="Loading the equity curve" />
      ) : curve.isError ? (
        curve.error instanceof ApiError && curve.error.status === 404 ? (
          <Text c="dimmed" size="sm">
            This server does not draw equity curves yet.
          </Text>
        ) : (
          <ErrorState error={curve.error} retry={() => void curve.refetch()} />
        )
      ) : curve.data.points.length < 2 ? (
        <Empty>Not enough history to draw yet.</Empty>
      ) : (
        <LineChart
          series={series}
          label={`${mode} equity over ${window}: cash plus positions at their marks, now ${last?.equityUsd ?? ''} USD`}
        />
      )}
    </Paper>
  );
}
