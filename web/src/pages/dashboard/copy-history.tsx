// Copy history (each executed copy next to the leader's fill) and the decisions for every leader
// fill: "why wasn't this copied?" answered with the engine's own reason.
import { Anchor, Group, NativeSelect, Stack, Table, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { get } from '../../api/client';
import type { CopyDecision, CopyTrade, Page } from '../../api/types';
import { Money } from '../../components/figures';
import { Empty, ErrorState, Loading } from '../../components/states';
import { DownloadCsvButton } from '../../components/download-csv-button';
import { number, percent, shortWallet, when } from '../../lib/format';
import { DecisionText } from '../trader/recent-fills';

export function CopyHistory() {
  const trades = useQuery({
    queryKey: ['copy-trades'],
    queryFn: ({ signal }) => get<Page<CopyTrade>>('/copy-trades', { limit: 50 }, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack>
      <Group justify="end">
        <DownloadCsvButton path="/copy-trades" query={{ limit: '100' }} filename="copy-history.csv" />
      </Group>
      {trades.isPending ? (
        <Loading label="Loading copy history" />
      ) : trades.isError ? (
        <ErrorState error={trades.error} retry={() => void trades.refetch()} />
      ) : trades.data.items.length === 0 ? (
        <Empty>No copies yet.</Empty>
      ) : (
        <div className="pc-table-wrap">
          <Table aria-label="Copy history" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                <Table.Th>Market</Table.Th>
                <Table.Th>Trader</Table.Th>
                <Table.Th>Leader price</Table.Th>
                <Table.Th>Your price</Table.Th>
                <Table.Th>Slippage</Table.Th>
                <Table.Th>Shares</Table.Th>
                <Table.Th>Value</Table.Th>
                <Table.Th>Delay</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {trades.data.items.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td className="pc-nowrap">{when(t.executedAt)}</Table.Td>
                  <Table.Td>
                    {t.marketName ?? t.marketId.slice(0, 10)}
                    <Text size="xs" c="dimmed">
                      {t.leaderFill?.side === 'SELL' ? 'Sell' : 'Buy'} {t.outcome ?? ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/traders/${t.traderWallet}`} ff="monospace">
                      {shortWallet(t.traderWallet)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ff="monospace">{t.leaderFill ? number(t.leaderFill.price, 3) : '—'}</Table.Td>
                  <Table.Td ff="monospace">{number(t.price, 3)}</Table.Td>
                  <Table.Td>{percent(t.slippagePercent, { signed: true })}</Table.Td>
                  <Table.Td ff="monospace">{number(t.quantity, 2)}</Table.Td>
                  <Table.Td>
                    <Money value={t.valueUsd} />
                  </Table.Td>
                  <Table.Td>{t.executionTimeMs === null ? '—' : `${number(t.executionTimeMs)} ms`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Stack>
  );
}

export function DecisionsTable() {
  const [outcome, setOutcome] = useState('');
  const decisions = useQuery({
    queryKey: ['decisions', outcome],
    queryFn: ({ signal }) =>
      get<Page<CopyDecision>>('/decisions', { outcome: outcome || undefined, limit: 50 }, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack>
      <NativeSelect
        label="Outcome"
        value={outcome}
        onChange={(e) => setOutcome(e.currentTarget.value)}
        data={[
          { value: '', label: 'All' },
          { value: 'skipped', label: 'Skipped' },
          { value: 'failed', label: 'Failed' },
          { value: 'executed', label: 'Executed' },
          { value: 'queued', label: 'Queued' },
        ]}
        w={200}
      />
      {decisions.isPending ? (
        <Loading label="Loading decisions" />
      ) : decisions.isError ? (
        <ErrorState error={decisions.error} retry={() => void decisions.refetch()} />
      ) : decisions.data.items.length === 0 ? (
        <Empty>No leader fill was decided for you yet.</Empty>
      ) : (
        <div className="pc-table-wrap">
          <Table aria-label="Why each fill was or was not copied" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Leader fill</Table.Th>
                <Table.Th>Market</Table.Th>
                <Table.Th>What happened</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {decisions.data.items.map((d) => {
                const src = d.fill ?? d.openPosition;
                return (
                  <Table.Tr key={d.id}>
                    <Table.Td className="pc-nowrap">
                      {when(d.fill?.filledAt ?? d.openPosition?.observedAt ?? d.createdAt)}
                      {d.fill && (
                        <Text size="xs" c="dimmed">
                          {d.fill.side === 'BUY' ? 'Buy' : 'Sell'} {number(d.fill.size, 2)} at{' '}
                          {number(d.fill.price, 3)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{src?.marketTitle ?? src?.conditionId.slice(0, 10) ?? '—'}</Table.Td>
                    <Table.Td>
                      <DecisionText d={d} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Stack>
  );
}
