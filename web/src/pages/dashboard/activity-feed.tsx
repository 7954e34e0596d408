// The live activity feed: every event of the person's stream, in words, newest first, without a
// reload. A new event also refreshes the figures it changes (positions, cards, history).
import { Badge, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { openEventStream, type StreamState, type UserEvent } from '../../api/event-stream';
import { clock, money, shortWallet } from '../../lib/format';

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

export function describe(e: UserEvent): { title: string; detail: string; color: string } {
  const d = e.data ?? {};
  const trader = d.traderWallet ? ` of ${shortWallet(str(d.traderWallet))}` : '';
  switch (e.type) {
    case 'copy.executed':
      return {
        title: `Copied: ${str(d.side) === 'SELL' ? 'sold' : 'bought'} ${str(d.size)} shares at ${str(d.price)}`,
        detail: `${money(str(d.notionalUsd))} (${str(d.mode)}) following the trade${trader}${d.executionTimeMs != null ? `, ${str(d.executionTimeMs)} ms after it was seen` : ''}`,
        color: 'teal',
      };
    case 'copy.skipped':
      return {
        title: 'Not copied',
        detail: `${str(d.reason).replace(/_/g, ' ')}${d.detail ? `: ${str(d.detail)}` : ''}`,
        color: 'gray',
      };
    case 'copy.failed':
      return {
        title: 'Copy failed',
        detail: `${str(d.reason).replace(/_/g, ' ')}${d.detail ? `: ${str(d.detail)}` : ''}`,
        color: 'red',
      };
    case 'position.closed':
      return {
        title: `Position closed (${str(d.cause).replace(/_/g, ' ')})`,
        detail: `realized ${money(str(d.realizedPnlUsd), { signed: true })}`,
        color: 'blue',
      };
    case 'pnl.updated':
      return d.cause === 'mark'
        ? {
            title: 'Prices moved',
            detail: `unrealized P&L now ${money(str(d.totalUnrealizedPnlUsd), { signed: true })}`,
            color: 'gray',
          }
        : { title: 'P&L realized', detail: money(str(d.realizedPnlUsd), { signed: true }), color: 'blue' };
    case 'follow.paused':
      return {
        title: 'A follow paused itself',
        detail: `${str(d.consecutiveFailures)} failed copies in a row (${str(d.lastReason).replace(/_/g, ' ')})`,
        color: 'orange',
      };
    default:
      return { title: e.type, detail: '', color: 'gray' };
  }
}

const STATE_TEXT: Record<StreamState, string> = {
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  closed: 'offline',
};

export function ActivityFeed() {
  const queryClient = useQueryClient();
  const [events, setEvents] = useState<(UserEvent & { n: number })[]>([]);
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    let n = 0;
    return openEventStream({
      onState: (s) => {
        setState(s);
        // No replay after a reconnect: refetch what may have changed meanwhile.
        if (s === 'open') void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      },
      onEvent: (e) => {
        if (e.type === 'auth.expired') return;
        setEvents((list) => [{ ...e, n: ++n }, ...list].slice(0, 100));
        void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      },
    });
  }, [queryClient]);
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Live activity
        </Title>
        <Badge color={state === 'open' ? 'teal' : 'gray'} variant="light" role="status">
          {STATE_TEXT[state]}
        </Badge>
      </Group>
      <ScrollArea.Autosize mah={320}>
        <Stack
          gap="xs"
          component="ol"
          style={{ listStyle: 'none', padding: 0, margin: 0 }}
          aria-label="Live activity"
          aria-live="polite"
        >
          {events.length === 0 && (
            <Text c="dimmed" size="sm" component="li">
              Nothing yet. Copies appear here the moment they happen.
            </Text>
          )}
          {events.map((e) => {
            const t = describe(e);
            return (
              <li key={e.n}>
                <Group gap="xs" wrap="nowrap" align="start">
                  <Badge color={t.color} variant="dot" className="pc-nowrap">
                    {clock(e.at)}
                  </Badge>
                  <div>
                    <Text size="sm" fw={600}>
                      {t.title}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t.detail}
                    </Text>
                  </div>
                </Group>
              </li>
            );
          })}
        </Stack>
      </ScrollArea.Autosize>
    </Paper>
  );
}
