// The trader's recent fills, with the detection feed that saw each first; for a follower, each row
// answers "why wasn't this copied?" with the decision the engine recorded for them.
import { Anchor, Badge, Button, Popover, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import Decimal from 'decimal.js';
import { get } from '../../api/client';
import type { CopyDecision, LeaderFill, Page } from '../../api/types';
import { Money } from '../../components/figures';
import { Empty } from '../../components/states';
import { number, when } from '../../lib/format';

const OUTCOME_COLOR: Record<CopyDecision['outcome'], string> = {
  executed: 'teal',
  queued: 'blue',
  skipped: 'gray',
  failed: 'red',
};

export function DecisionText({ d }: { d: CopyDecision }) {
  return (
    <>
      <Badge color={OUTCOME_COLOR[d.outcome]} variant="light" mr={6}>
        {d.outcome}
      </Badge>
      {d.reasonMessage ??
        (d.outcome === 'executed' ? 'Copied.' : d.outcome === 'queued' ? 'Waiting for a worker.' : d.reason)}
      {d.detail && (
        <Text size="xs" c="dimmed">
          {d.detail}
        </Text>
      )}
    </>
  );
}

const FEED_NAME: Record<NonNullable<LeaderFill['detection']>['firstFeed'], string> = {
  rtds: 'RTDS',
  chain: 'Chain',
  data_api: 'Data API',
  backfill: 'Backfill',
  test: 'Test',
};

/** Which feed brought the fill first, and how long after the fill (block / match time, ±1 s). */
function FirstSeen({ fill }: { fill: LeaderFill }) {
  const d = fill.detection;
  if (!d) return null;
  const first = d.feeds[0];
  return (
    <>
      {FEED_NAME[d.firstFeed]}
      {d.reorged && (
        <Badge color="orange" variant="light" ml={6}>
          reorged
        </Badge>
      )}
      {first && (
        <Text size="xs" c="dimmed">
          {(Math.max(0, first.afterFillMs) / 1000).toFixed(1)} s after the fill
        </Text>
      )}
    </>
  );
}

function WhyNot({ wallet, fill }: { wallet: string; fill: LeaderFill }) {
  const q = useQuery({
    queryKey: ['decision-for-fill', fill.fillKey],
    // The decision about this fill; a leg copied with the other legs of its order answers with the
    // order's decision (the API resolves the leg to the order's first leg).
    queryFn: ({ signal }) =>
      get<Page<CopyDecision>>(
        '/decisions',
        { traderWallet: wallet, fillKey: fill.fillKey, limit: 1 },
        signal,
      ),
    select: (page) => page.items[0] ?? null,
    enabled: false,
  });
  return (
    <Popover width={300} withArrow onOpen={() => void q.refetch()}>
      <Popover.Target>
        <Button size="compact-xs" variant="subtle">
          What happened to my copy?
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        {q.isFetching ? (
          <Text size="sm">Looking…</Text>
        ) : q.data ? (
          <Text size="sm" component="div">
            {fill.copiedWith && (
              <Text size="xs" c="dimmed" mb={4}>
                Copied as one order with the other legs of this transaction.
              </Text>
            )}
            <DecisionText d={q.data} />
          </Text>
        ) : (
          <Text size="sm">
            No copy was decided for you: this fill came before you followed, or while you were not following.
          </Text>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}

export function RecentFills({
  wallet,
  fills,
  following,
}: {
  wallet: string;
  fills: LeaderFill[];
  following: boolean;
}) {
  if (fills.length === 0) return <Empty>No fills recorded yet.</Empty>;
  return (
    <div className="pc-table-wrap">
      <Table verticalSpacing="xs" aria-label="Recent fills">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Market</Table.Th>
            <Table.Th>Side</Table.Th>
            <Table.Th>Price</Table.Th>
            <Table.Th>Shares</Table.Th>
            <Table.Th>Value</Table.Th>
            <Table.Th>First seen by</Table.Th>
            {following && <Table.Th>Your copy</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {fills.map((f) => (
            <Table.Tr key={f.fillKey}>
              <Table.Td className="pc-nowrap">{when(f.filledAt)}</Table.Td>
              <Table.Td>
                {f.marketSlug ? (
                  <Anchor
                    href={`https://polymarket.com/event/${f.marketSlug}`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    {f.marketTitle ?? f.marketSlug}
                  </Anchor>
                ) : (
                  (f.marketTitle ?? f.conditionId.slice(0, 10))
                )}
                {f.outcome && (
                  <Text size="xs" c="dimmed">
                    {f.outcome}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{f.side === 'BUY' ? 'Buy' : 'Sell'}</Table.Td>
              <Table.Td ff="monospace">{number(f.price, 3)}</Table.Td>
              <Table.Td ff="monospace">{number(f.size, 2)}</Table.Td>
              <Table.Td>
                <Money value={new Decimal(f.price).times(f.size).toString()} />
              </Table.Td>
              <Table.Td className="pc-nowrap">
                <FirstSeen fill={f} />
              </Table.Td>
              {following && (
                <Table.Td>
                  <WhyNot wallet={wallet} fill={f} />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
