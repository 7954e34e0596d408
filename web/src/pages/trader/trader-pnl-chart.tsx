// The trader's cumulative P&L with a window switch. Drawn from GET /traders/{wallet}/pnl; a server
// without that endpoint still gives the last 30 days (the profile's dailyPnl).
import { Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import Decimal from 'decimal.js';
import { useMemo, useState } from 'react';
import { get } from '../../api/client';
import type { TraderPnl, TraderProfile } from '../../api/types';
import { Money } from '../../components/figures';
import { LineChart } from '../../components/line-chart';
import { Empty } from '../../components/states';
import { plot } from '../../lib/format';

type Window = '7d' | '30d' | '90d' | 'all';

function fromProfile(profile: TraderProfile, window: Window) {
  const days = profile.dailyPnl.days.slice(window === '7d' ? -7 : -30);
  let sum = new Decimal(0);
  return days.map((d) => {
    sum = sum.plus(d.realizedPnlUsd);
    return { date: d.date, cumulativePnlUsd: sum.toString() };
  });
}

export function TraderPnlChart({ wallet, profile }: { wallet: string; profile: TraderProfile }) {
  const [window, setWindow] = useState<Window>('30d');
  const pnl = useQuery({
    queryKey: ['trader-pnl', wallet, window],
    queryFn: ({ signal }) => get<TraderPnl>(`/traders/${wallet}/pnl`, { window }, signal),
    retry: false,
  });
  const points = useMemo(
    () => (pnl.data ? pnl.data.points : fromProfile(profile, window)),
    [pnl.data, profile, window],
  );
  const last = points[points.length - 1]?.cumulativePnlUsd ?? '0';
  const series = useMemo(
    () => [
      {
        name: 'Cumulative P&L',
        area: true,
        points: points.map((p) => ({ at: p.date, value: plot(p.cumulativePnlUsd) })),
      },
    ],
    [points],
  );
  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap">
        <Text fw={600}>
          Cumulative realized P&L: <Money value={last} signed />
        </Text>
        <SegmentedControl
          aria-label="P&L window"
          size="xs"
          value={window}
          onChange={(v) => setWindow(v as Window)}
          data={[
            { value: '7d', label: '7 days' },
            { value: '30d', label: '30 days' },
            { value: '90d', label: '90 days' },
            { value: 'all', label: 'All' },
          ]}
        />
      </Group>
      {points.length < 2 ? (
        <Empty>No recorded fills in this window.</Empty>
      ) : (
        <LineChart series={series} label={`Cumulative P&L over ${window}, ending at ${last} USD`} />
      )}
    </Stack>
  );
}
