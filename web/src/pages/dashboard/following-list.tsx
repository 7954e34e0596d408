// The traders the person follows: edit, pause, resume, and unfollow keeping or closing positions.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Radio,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { Follow } from '../../api/types';
import { useSession } from '../../auth/session';
import { Money } from '../../components/figures';
import { FollowForm, type FollowBody } from '../../components/follow-form';
import { Empty, ErrorState, errorText, Loading } from '../../components/states';
import { money, shortWallet } from '../../lib/format';

function sizing(f: Follow): string {
  switch (f.sizingMode) {
    case 'fixed_usd':
      return `${money(f.fixedAmountUsd)} per trade`;
    case 'balance_percent':
      return `${f.balancePercent}% of ${f.balanceSource}`;
    case 'portfolio_weight':
      return 'leader’s weight';
    default:
      return `${f.proportionalityFactor}× the leader`;
  }
}

function Unfollow({ f, onDone }: { f: Follow; onDone(): void }) {
  const [positions, setPositions] = useState<'keep' | 'close'>('keep');
  const qc = useQueryClient();
  const stop = useMutation({
    mutationFn: () => api<Follow>('DELETE', `/follows/${f.id}`, { query: { positions } }),
    onSuccess: async () => {
      await qc.invalidateQueries();
      onDone();
    },
  });
  return (
    <Stack>
      <Radio.Group
        label="Your open positions from this trader"
        value={positions}
        onChange={(v) => setPositions(v as 'keep' | 'close')}
      >
        <Stack gap={6} mt={6}>
          <Radio value="keep" label="Keep them (close them yourself later)" />
          <Radio value="close" label="Close them now" />
        </Stack>
      </Radio.Group>
      {stop.isError && (
        <Alert color="red" role="alert">
          {errorText(stop.error)}
        </Alert>
      )}
      <Button color="red" loading={stop.isPending} onClick={() => stop.mutate()}>
        Unfollow
      </Button>
    </Stack>
  );
}

export function FollowingList() {
  const { user } = useSession();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<Follow | null>(null);
  const [stopping, setStopping] = useState<Follow | null>(null);
  const follows = useQuery({
    queryKey: ['follows'],
    queryFn: () =>
      api<{ items: Follow[]; nextCursor: string | null }>('GET', '/follows', { query: { limit: 100 } }),
  });
  const status = useMutation({
    mutationFn: (v: { f: Follow; status: 'active' | 'paused' }) =>
      api<Follow>('PATCH', `/follows/${v.f.id}`, { body: { status: v.status } }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['follows'] }),
  });
  async function save(body: FollowBody, totp: string | null) {
    await api<Follow>('PATCH', `/follows/${editing!.id}`, { body, headers: totp ? { 'x-totp': totp } : {} });
    setEditing(null);
    await qc.invalidateQueries({ queryKey: ['follows'] });
  }
  const list = follows.data?.items.filter((f) => f.status !== 'stopped') ?? [];
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        Following
      </Title>
      {follows.isPending ? (
        <Loading label="Loading your follows" />
      ) : follows.isError ? (
        <ErrorState error={follows.error} retry={() => void follows.refetch()} />
      ) : list.length === 0 ? (
        <Empty>
          You follow nobody yet. Pick a trader on the{' '}
          <Anchor component={Link} to="/">
            leaderboard
          </Anchor>
          .
        </Empty>
      ) : (
        <div className="pc-table-wrap">
          <Table aria-label="Following" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Trader</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Sizing</Table.Th>
                <Table.Th>Copies</Table.Th>
                <Table.Th>P&L</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/traders/${f.traderWallet}`} ff="monospace">
                      {shortWallet(f.traderWallet)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={f.status === 'active' ? 'teal' : 'gray'}>
                      {f.status} · {f.mode}
                    </Badge>
                    {f.pausedReason === 'circuit_breaker' && (
                      <Text size="xs" c="dimmed">
                        paused by the circuit breaker: {f.pauseDetail}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{sizing(f)}</Table.Td>
                  <Table.Td>{f.totalTradesCopied}</Table.Td>
                  <Table.Td>
                    <Money value={f.totalPnlUsd} signed />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => setEditing(f)}
                        aria-label={`Edit follow of ${shortWallet(f.traderWallet)}`}
                      >
                        Edit
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        loading={status.isPending && status.variables?.f.id === f.id}
                        onClick={() =>
                          status.mutate({ f, status: f.status === 'active' ? 'paused' : 'active' })
                        }
                        aria-label={`${f.status === 'active' ? 'Pause' : 'Resume'} follow of ${shortWallet(f.traderWallet)}`}
                      >
                        {f.status === 'active' ? 'Pause' : 'Resume'}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="light"
                        color="red"
                        onClick={() => setStopping(f)}
                        aria-label={`Unfollow ${shortWallet(f.traderWallet)}`}
                      >
                        Unfollow
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      {status.isError && (
        <Alert color="red" role="alert" mt="sm">
          {errorText(status.error)}
        </Alert>
      )}
      <Modal opened={!!editing} onClose={() => setEditing(null)} title="Edit follow" size="lg">
        {editing && (
          <FollowForm
            initial={editing}
            submitLabel="Save changes"
            needsTotp={!!user?.twoFactorEnabled}
            onSubmit={save}
          />
        )}
      </Modal>
      <Modal
        opened={!!stopping}
        onClose={() => setStopping(null)}
        title={stopping ? `Unfollow ${shortWallet(stopping.traderWallet)}` : ''}
      >
        {stopping && <Unfollow f={stopping} onDone={() => setStopping(null)} />}
      </Modal>
    </Paper>
  );
}
