// Admin (admin role only): users and tiers, the queue with rows needing an operator, the kill
// switch, the monitoring queries and the admin audit trail. Changes send the admin's own 2FA code.
import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  NativeSelect,
  Paper,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../api/client';
import type { AdminAuditEntry, AdminQueueItem, AdminUser, KillSwitch, Page } from '../api/types';
import { Empty, ErrorState, errorText, Loading } from '../components/states';
import { shortWallet, when } from '../lib/format';
import { usePageTitle } from '../lib/use-page-title';

function totpHeaders(totp: string): Record<string, string> {
  return totp.trim() ? { 'x-totp': totp.trim() } : {};
}

function Users({ totp }: { totp: string }) {
  const [q, setQ] = useState('');
  const qc = useQueryClient();
  const headers = totpHeaders(totp);
  const users = useQuery({
    queryKey: ['admin-users', q],
    queryFn: ({ signal }) =>
      get<Page<AdminUser>>('/admin/users', { q: q.trim() || undefined, limit: 50 }, signal),
  });
  const tier = useMutation({
    mutationFn: (v: { id: string; tier: string }) =>
      api('PATCH', `/admin/users/${v.id}/tier`, { body: { tier: v.tier }, headers }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['admin-users'] }),
  });
  return (
    <Stack>
      <TextInput
        label="Search users"
        placeholder="email, id or 0x…"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        w={280}
      />
      {tier.isError && (
        <Alert color="red" role="alert">
          {errorText(tier.error)}
        </Alert>
      )}
      {users.isPending ? (
        <Loading label="Loading users" />
      ) : users.isError ? (
        <ErrorState error={users.error} />
      ) : users.data.items.length === 0 ? (
        <Empty>No user matches.</Empty>
      ) : (
        <div className="pc-table-wrap">
          <Table aria-label="Users" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Tier</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.items.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    {u.email ?? u.username ?? (u.walletAddress ? shortWallet(u.walletAddress) : `#${u.id}`)}
                    <Text size="xs" c="dimmed">
                      #{u.id} · since {when(u.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{u.role}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={u.isActive ? 'teal' : 'red'}>
                      {u.isActive ? 'active' : 'deactivated'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <NativeSelect
                      aria-label={`Tier of user ${u.id}`}
                      value={u.subscriptionTier}
                      onChange={(e) => tier.mutate({ id: u.id, tier: e.currentTarget.value })}
                      data={['free', 'basic', 'pro', 'premium']}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Stack>
  );
}

function Queue({ totp }: { totp: string }) {
  const [status, setStatus] = useState('failed');
  const qc = useQueryClient();
  const headers = totpHeaders(totp);
  const rows = useQuery({
    queryKey: ['admin-queue', status],
    queryFn: ({ signal }) => get<Page<AdminQueueItem>>('/admin/queue', { status, limit: 50 }, signal),
  });
  const act = useMutation({
    mutationFn: (v: { id: string; kind: 'requeue' | 'cancel' }) =>
      api('POST', `/admin/queue/${v.id}/${v.kind}`, {
        body: v.kind === 'cancel' ? { reason: 'cancelled from the admin page' } : {},
        headers,
      }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['admin-queue'] }),
  });
  return (
    <Stack>
      <NativeSelect
        label="Status"
        value={status}
        onChange={(e) => setStatus(e.currentTarget.value)}
        data={['pending', 'processing', 'failed', 'completed', 'cancelled']}
        w={200}
      />
      {act.isError && (
        <Alert color="red" role="alert">
          {errorText(act.error)}
        </Alert>
      )}
      {rows.isPending ? (
        <Loading label="Loading the queue" />
      ) : rows.isError ? (
        <ErrorState error={rows.error} />
      ) : rows.data.items.length === 0 ? (
        <Empty>No {status} rows.</Empty>
      ) : (
        <div className="pc-table-wrap">
          <Table aria-label="Queue" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Row</Table.Th>
                <Table.Th>User</Table.Th>
                <Table.Th>Order</Table.Th>
                <Table.Th>Error</Table.Th>
                <Table.Th>Action</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.data.items.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    #{r.id}
                    <Text size="xs" c="dimmed">
                      {when(r.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>#{r.userId}</Table.Td>
                  <Table.Td>
                    {r.side} {r.quantity} · {r.mode}
                  </Table.Td>
                  <Table.Td>
                    {r.error ?? '—'}
                    {/* The prefixes src/execution/unsettled-rows.ts writes: reconciliation is
                        still looking the order up; needs_operator: it gave up. */}
                    {r.error?.startsWith('needs_operator:') && (
                      <Badge color="red" variant="light" ml={4}>
                        needs an operator
                      </Badge>
                    )}
                    {r.error?.startsWith('reconcile:') && (
                      <Badge color="orange" variant="light" ml={4}>
                        awaiting reconciliation
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {r.status === 'failed' && (
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => act.mutate({ id: r.id, kind: 'requeue' })}
                      >
                        Requeue
                      </Button>
                    )}
                    {r.status === 'pending' && !r.signedAt && (
                      <Button
                        size="compact-sm"
                        variant="light"
                        color="red"
                        onClick={() => act.mutate({ id: r.id, kind: 'cancel' })}
                      >
                        Cancel
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Stack>
  );
}

// Turning the switch either way is asked twice: on, it stops every follower's orders; off, it lets
// them all through again.
function KillSwitchPanel({ totp }: { totp: string }) {
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [asked, setAsked] = useState<boolean | null>(null);
  const ks = useQuery({
    queryKey: ['kill-switch'],
    queryFn: () => api<KillSwitch>('GET', '/admin/kill-switch'),
  });
  const set = useMutation({
    mutationFn: (enabled: boolean) =>
      api<KillSwitch>('POST', '/admin/kill-switch', {
        body: enabled ? { enabled, reason } : { enabled },
        headers: totpHeaders(totp),
      }),
    onSuccess: (k) => {
      qc.setQueryData(['kill-switch'], k);
      void qc.invalidateQueries({ queryKey: ['admin-audit'] });
    },
    onSettled: () => setAsked(null),
  });
  if (ks.isPending) return <Loading label="Loading the kill switch" />;
  if (ks.isError) return <ErrorState error={ks.error} />;
  return (
    <Stack>
      <Text>
        {ks.data.enabled
          ? `ON since ${when(ks.data.updatedAt)}: ${ks.data.reason ?? ''}`
          : 'Off: orders are placed normally.'}
      </Text>
      {!ks.data.enabled && (
        <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={320} />
      )}
      <Switch
        label="Stop every order on the platform"
        checked={ks.data.enabled}
        onChange={(e) => setAsked(e.currentTarget.checked)}
      />
      <Modal
        opened={asked !== null}
        onClose={() => setAsked(null)}
        title={asked ? 'Stop every order on the platform?' : 'Let orders through again?'}
      >
        <Stack>
          <Text size="sm">
            {asked
              ? 'No copy, exit or close is sent to the venue for anyone until the switch is off again.'
              : 'Copies, exits and closes are sent to the venue again for everyone.'}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsked(null)}>
              Keep it {ks.data.enabled ? 'on' : 'off'}
            </Button>
            <Button color={asked ? 'red' : 'teal'} loading={set.isPending} onClick={() => set.mutate(asked!)}>
              {asked ? 'Turn the kill switch on' : 'Turn the kill switch off'}
            </Button>
          </Group>
        </Stack>
      </Modal>
      {set.isError && (
        <Alert color="red" role="alert">
          {errorText(set.error)}
        </Alert>
      )}
    </Stack>
  );
}

function Monitoring() {
  const [query, setQuery] = useState('table-sizes');
  const rows = useQuery({
    queryKey: ['monitoring', query],
    queryFn: () => api<{ rows: Record<string, string>[] }>('GET', `/admin/monitoring/${query}`),
    retry: false,
  });
  const cols = rows.data?.rows[0] ? Object.keys(rows.data.rows[0]) : [];
  return (
    <Stack>
      <NativeSelect
        label="Query"
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        data={['table-sizes', 'index-usage', 'slow-queries']}
        w={220}
      />
      {rows.isPending ? (
        <Loading />
      ) : rows.isError ? (
        <ErrorState error={rows.error} />
      ) : (
        <div className="pc-table-wrap">
          <Table aria-label="Monitoring" verticalSpacing={4} fz="xs">
            <Table.Thead>
              <Table.Tr>
                {cols.map((c) => (
                  <Table.Th key={c}>{c}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.data.rows.slice(0, 50).map((r, i) => (
                <Table.Tr key={i}>
                  {cols.map((c) => (
                    <Table.Td key={c}>{r[c]}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Stack>
  );
}

function Audit() {
  const audit = useQuery({
    queryKey: ['admin-audit'],
    queryFn: ({ signal }) => get<Page<AdminAuditEntry>>('/admin/audit', { limit: 50 }, signal),
  });
  if (audit.isPending) return <Loading label="Loading the audit trail" />;
  if (audit.isError) return <ErrorState error={audit.error} />;
  if (audit.data.items.length === 0) return <Empty>No admin action yet.</Empty>;
  return (
    <div className="pc-table-wrap">
      <Table aria-label="Admin audit trail" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Target</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {audit.data.items.map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td className="pc-nowrap">{when(a.createdAt)}</Table.Td>
              <Table.Td>#{a.actorUserId}</Table.Td>
              <Table.Td>{a.action.replace(/_/g, ' ')}</Table.Td>
              <Table.Td>
                {a.targetUserId
                  ? `user #${a.targetUserId}`
                  : a.targetQueueId
                    ? `queue #${a.targetQueueId}`
                    : '—'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

export default function AdminPage() {
  usePageTitle('Admin');
  const [totp, setTotp] = useState('');
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>Admin</Title>
        <TextInput
          label="Your two-factor code (for changes)"
          autoComplete="one-time-code"
          value={totp}
          onChange={(e) => setTotp(e.currentTarget.value)}
          w={260}
        />
      </Group>
      <Paper withBorder p="md">
        <Tabs defaultValue="users" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="users">Users</Tabs.Tab>
            <Tabs.Tab value="queue">Queue</Tabs.Tab>
            <Tabs.Tab value="kill">Kill switch</Tabs.Tab>
            <Tabs.Tab value="monitoring">Monitoring</Tabs.Tab>
            <Tabs.Tab value="audit">Audit</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="users" pt="md">
            <Users totp={totp} />
          </Tabs.Panel>
          <Tabs.Panel value="queue" pt="md">
            <Queue totp={totp} />
          </Tabs.Panel>
          <Tabs.Panel value="kill" pt="md">
            <KillSwitchPanel totp={totp} />
          </Tabs.Panel>
          <Tabs.Panel value="monitoring" pt="md">
            <Monitoring />
          </Tabs.Panel>
          <Tabs.Panel value="audit" pt="md">
            <Audit />
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </Stack>
  );
}
