// The live activity feed: the recent history (GET /activity, in the stream's own shape) on load, then
// every event of the person's stream, in words, newest first, without a reload. The stream has no
// replay, so the history is what a reload would otherwise lose; a copy in both is shown once. A new
// event also refreshes the figures it changes (positions, cards, history).
import { Badge, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { get } from '../../api/client';
import { openEventStream, type StreamState, type UserEvent } from '../../api/event-stream';
import { ErrorState } from '../../components/states';
import { clock, money, shortWallet, when } from '../../lib/format';

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

const SHOWN = 100;

/**
 * The copy an event is about, the same for a live event and a history item (GET /activity): the
 * queue row, or for a fan-out skip (no queue row) the follow and the leader fill. Null for events
 * that are not about one copy: they are always shown.
 */
export function eventKey(e: UserEvent): string | null {
  const d = e.data ?? {};
  const queueId = typeof d.queueId === 'string' ? d.queueId : null;
  if (e.type === 'copy.executed') return queueId ? `executed:${queueId}` : null;
  if (e.type !== 'copy.skipped' && e.type !== 'copy.failed') return null;
  if (queueId) return `decided:${queueId}`;
  return typeof d.fillKey === 'string' ? `decided:${str(d.relationshipId)}:${d.fillKey}` : null;
}

/** Live events first (they are the newest), then the history the stream did not bring; newest first. */
export function mergeActivity(live: UserEvent[], history: UserEvent[]): UserEvent[] {
  const seen = new Set<string>();
  const out: UserEvent[] = [];
  for (const e of [...live, ...history]) {
    const key = eventKey(e);
    if (key !== null) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(e);
  }
  // A stable sort: events at the same instant keep the stream's order.
  return out.sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, SHOWN);
}

function ActivityEntry({ e, today }: { e: UserEvent; today: string }) {
  const t = describe(e);
  // An entry from another day says which day: a bare time would read as today.
  const time = new Date(e.at).toDateString() === today ? clock(e.at) : when(e.at);
  return (
    <li>
      <Group gap="xs" wrap="nowrap" align="start">
        <Badge color={t.color} variant="dot" className="pc-nowrap">
          {time}
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
}

export function ActivityFeed() {
  const queryClient = useQueryClient();
  const [live, setLive] = useState<UserEvent[]>([]);
  const [state, setState] = useState<StreamState>('connecting');
  const history = useQuery({
    queryKey: ['activity'],
    queryFn: ({ signal }) => get<{ items: UserEvent[] }>('/activity', { limit: SHOWN }, signal),
  });
  useEffect(
    () =>
      openEventStream({
        onState: (s) => {
          setState(s);
          // No replay after a reconnect: refetch what may have changed meanwhile.
          if (s === 'open') void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
        },
        onEvent: (e) => {
          if (e.type === 'auth.expired') return;
          setLive((list) => [e, ...list].slice(0, SHOWN));
          void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
        },
      }),
    [queryClient],
  );
  const events = useMemo(() => mergeActivity(live, history.data?.items ?? []), [live, history.data]);
  const today = new Date().toDateString();
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
      {history.isError && (
        <ErrorState
          error={history.error}
          retry={() => void history.refetch()}
          title="Could not load earlier activity"
        />
      )}
      <ScrollArea.Autosize mah={320}>
        <Stack
          gap="xs"
          component="ol"
          style={{ listStyle: 'none', padding: 0, margin: 0 }}
          aria-label="Live activity"
          aria-live="polite"
          aria-busy={history.isPending}
        >
          {events.length === 0 && (
            <Text c="dimmed" size="sm" component="li">
              {history.isPending
                ? 'Loading recent activity…'
                : 'Nothing yet. Copies appear here the moment they happen.'}
            </Text>
          )}
          {events.map((e, i) => (
            <ActivityEntry key={eventKey(e) ?? `${e.type}-${e.at}-${i}`} e={e} today={today} />
          ))}
        </Stack>
      </ScrollArea.Autosize>
    </Paper>
  );
}
