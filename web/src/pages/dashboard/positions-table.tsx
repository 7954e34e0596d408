// Open and closed copy positions, with a close action for open ones (a closing sell is queued).
import { Alert, Anchor, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, get } from '../../api/client';
import type { Page, Position } from '../../api/types';
import { Money, Percent } from '../../components/figures';
import { Empty, ErrorState, errorText, Loading } from '../../components/states';
import { DownloadCsvButton } from '../../components/download-csv-button';
import { number, shortWallet, when } from '../../lib/format';

export function PositionsTable() {
  const [status, setStatus] = useState<'open' | 'closed'>('open');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? undefined;
  const qc = useQueryClient();
  const positions = useQuery({
    queryKey: ['positions', status, cursor],
    queryFn: ({ signal }) => get<Page<Position>>('/positions', { status, limit: 25, cursor }, signal),
    placeholderData: keepPreviousData,
  });
  const close = useMutation({
    mutationFn: (p: Position) => api('POST', `/follows/${p.relationshipId}/positions/${p.assetId}/close`),
    onSettled: () => qc.invalidateQueries({ queryKey: ['positions'] }),
  });
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <SegmentedControl
          aria-label="Positions to show"
          value={status}
          onChange={(v) => {
            setStatus(v as 'open' | 'closed');
            setCursors([null]);
          }}
          data={[
            { value: 'open', label: 'Open' },
            { value: 'closed', label: 'Closed' },
          ]}
        />
        <DownloadCsvButton
          path="/positions"
          query={{ status, limit: '100' }}
          filename={`positions-${status}.csv`}
        />
      </Group>
      {close.isError && (
        <Alert color="red" role="alert">
          {errorText(close.error)}
        </Alert>
      )}
      {close.isSuccess && <Text size="sm">A closing sell is queued; the position closes when it fills.</Text>}
      {positions.isPending ? (
        <Loading label="Loading positions" />
      ) : positions.isError ? (
        <ErrorState error={positions.error} retry={() => void positions.refetch()} />
      ) : positions.data.items.length === 0 ? (
        <Empty>No {status} positions.</Empty>
      ) : (
        <div className="pc-table-wrap">
          <Table aria-label={`${status === 'open' ? 'Open' : 'Closed'} positions`} verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Market</Table.Th>
                <Table.Th>Trader</Table.Th>
                <Table.Th>Shares</Table.Th>
                <Table.Th>Entry</Table.Th>
                <Table.Th>Cost</Table.Th>
                <Table.Th>{status === 'open' ? 'Value' : 'Exit value'}</Table.Th>
                <Table.Th>P&L</Table.Th>
                <Table.Th>{status === 'open' ? 'Opened' : 'Closed'}</Table.Th>
                {status === 'open' && <Table.Th>Action</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {positions.data.items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>
                    {p.marketName ?? p.marketId.slice(0, 10)}
                    <Text size="xs" c="dimmed">
                      {p.outcome ?? p.position}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/traders/${p.traderWallet}`} ff="monospace">
                      {shortWallet(p.traderWallet)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ff="monospace">{number(p.quantity, 2)}</Table.Td>
                  <Table.Td ff="monospace">{number(p.entryPrice, 3)}</Table.Td>
                  <Table.Td>
                    <Money value={p.entryValueUsd} />
                  </Table.Td>
                  <Table.Td>
                    <Money value={status === 'open' ? p.currentValueUsd : p.exitValueUsd} />
                  </Table.Td>
                  <Table.Td>
                    <Money value={status === 'open' ? p.unrealizedPnlUsd : p.realizedPnlUsd} signed />
                    {p.realizedPnlPercent && (
                      <Text size="xs">
                        <Percent value={p.realizedPnlPercent} signed />
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td className="pc-nowrap">
                    {when(status === 'open' ? p.openedAt : p.closedAt)}
                  </Table.Td>
                  {status === 'open' && (
                    <Table.Td>
                      {p.relationshipId && p.assetId && (
                        <Button
                          size="compact-sm"
                          variant="light"
                          color="red"
                          aria-label={`Close position in ${p.marketName ?? p.marketId} (${p.outcome ?? p.position})`}
                          loading={close.isPending && close.variables?.id === p.id}
                          onClick={() => close.mutate(p)}
                        >
                          Close
                        </Button>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      <Group justify="space-between">
        <Button
          variant="default"
          size="xs"
          disabled={cursors.length <= 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous page
        </Button>
        <Button
          variant="default"
          size="xs"
          disabled={!positions.data?.nextCursor}
          onClick={() => setCursors((c) => [...c, positions.data!.nextCursor])}
        >
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
