// The trader's open positions (GET /traders/{wallet}/positions): what it holds now at average cost
// and the mark the leader metrics use, with the unrealized P&L; the summary feeds the stat cards.
import { Button, Group, Table, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../../api/client';
import type { TraderPositions } from '../../api/types';
import { Money } from '../../components/figures';
import { Empty, ErrorState, Loading } from '../../components/states';
import { number, when } from '../../lib/format';

export function useTraderPositions(wallet: string, cursor: string | null = null) {
  return useQuery({
    queryKey: ['trader-positions', wallet, cursor],
    queryFn: ({ signal }) =>
      get<TraderPositions>(
        `/traders/${wallet}/positions`,
        { limit: 20, cursor: cursor ?? undefined },
        signal,
      ),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export function OpenPositions({ wallet }: { wallet: string }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const q = useTraderPositions(wallet, cursors.at(-1) ?? null);
  if (q.isPending) return <Loading label="Loading the open positions" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  if (q.data.items.length === 0) return <Empty>No open positions.</Empty>;
  return (
    <>
      {/* Focusable: on a phone the table scrolls sideways and has no link or button to reach it by. */}
      <div className="pc-table-wrap" tabIndex={0} role="region" aria-label="Open positions, scrollable">
        <Table verticalSpacing="xs" aria-label="Open positions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Market</Table.Th>
              <Table.Th>Shares</Table.Th>
              <Table.Th>Avg price</Table.Th>
              <Table.Th>Mark</Table.Th>
              <Table.Th>Cost</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>Unrealized</Table.Th>
              <Table.Th>Opened</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.items.map((p) => (
              <Table.Tr key={p.assetId}>
                <Table.Td>
                  {p.marketTitle ?? p.conditionId.slice(0, 10)}
                  <Text size="xs" c="dimmed">
                    {p.outcome}
                  </Text>
                </Table.Td>
                <Table.Td ff="monospace">{number(p.shares, 2)}</Table.Td>
                <Table.Td ff="monospace">{number(p.avgPrice, 3)}</Table.Td>
                <Table.Td ff="monospace">{p.markPrice === null ? '—' : number(p.markPrice, 3)}</Table.Td>
                <Table.Td>
                  <Money value={p.costUsd} />
                </Table.Td>
                <Table.Td>{p.currentValueUsd === null ? '—' : <Money value={p.currentValueUsd} />}</Table.Td>
                <Table.Td>
                  {p.unrealizedPnlUsd === null ? (
                    'not marked yet'
                  ) : (
                    <Money value={p.unrealizedPnlUsd} signed />
                  )}
                </Table.Td>
                <Table.Td className="pc-nowrap">{when(p.openedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {(cursors.length > 1 || q.data.nextCursor) && (
        <Group justify="space-between" mt="sm">
          <Button
            variant="default"
            size="xs"
            disabled={cursors.length <= 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous positions
          </Button>
          <Button
            variant="default"
            size="xs"
            disabled={!q.data.nextCursor}
            onClick={() => q.data.nextCursor && setCursors((c) => [...c, q.data.nextCursor])}
          >
            More positions
          </Button>
        </Group>
      )}
    </>
  );
}
