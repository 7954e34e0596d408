// What copying this trader delivered on this platform (fill rate, slippage, latency, follower vs
// leader P&L): the figure no other tool shows.
import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { Copyability } from '../../api/types';
import { Money, Percent } from '../../components/figures';
import { StatCard } from '../../components/stat-card';
import { number, when } from '../../lib/format';

export function CopyabilityCard({ c }: { c: Copyability }) {
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">
            What copying delivered
          </Title>
          {c.copyable === null ? (
            <Badge variant="light" color="gray">
              not measured yet
            </Badge>
          ) : c.copyable ? (
            <Badge variant="light" color="teal">
              copyable
            </Badge>
          ) : (
            <Badge variant="light" color="orange">
              hard to copy{c.tooFast ? ': trades too fast' : ''}
              {c.tooSmall ? ': trades too small' : ''}
            </Badge>
          )}
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }}>
          <StatCard label="Fill rate" hint={`${c.executed} executed, ${c.failedExecution} failed`}>
            <Percent value={c.fillRate} ratio places={0} />
          </StatCard>
          <StatCard label="Median slippage" hint={`${c.slippageSamples} copies`}>
            {c.medianSlippageBps === null ? '—' : `${number(c.medianSlippageBps, 0)} bps`}
          </StatCard>
          <StatCard label="Latency p50 / p90" hint={`${c.latencySamples} copies`}>
            {c.latencyP50Ms === null ? '—' : `${number(c.latencyP50Ms)} / ${number(c.latencyP90Ms)} ms`}
          </StatCard>
          <StatCard label="Followers got" hint={<Percent value={c.followerReturn} ratio signed />}>
            <Money value={c.followerPnlUsd} signed />
          </StatCard>
          <StatCard label="Leader got" hint={<Percent value={c.leaderReturn} ratio signed />}>
            <Money value={c.leaderPnlUsd} signed />
          </StatCard>
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          {c.computedAt
            ? `Measured ${when(c.computedAt)} over ${c.copiedPositions} copied positions.`
            : 'Measured on a schedule once people copy this trader.'}
        </Text>
      </Stack>
    </Paper>
  );
}
