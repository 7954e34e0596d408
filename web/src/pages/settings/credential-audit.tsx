// The credential audit trail (GET /credentials/audit): every key added, refused by Polymarket, used
// for an order, changed, revoked or re-encrypted, newest first, in words. A filter by action keeps the
// changes readable when uses (one per order) are many.
import { Badge, Button, Group, NativeSelect, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../../api/client';
import type { Page } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../components/states';
import { money, when } from '../../lib/format';

interface AuditEntry {
  id: string;
  credentialId: string | null;
  maskedApiKey: string | null;
  keyName: string | null;
  action: string;
  actor: string;
  detail: Record<string, unknown>;
  ip: string | null;
  createdAt: string;
}

const ACTIONS: Record<string, string> = {
  create: 'Added',
  verify_failed: 'Refused by Polymarket',
  use: 'Used',
  update: 'Changed',
  revoke: 'Revoked',
  rewrap: 'Re-encrypted',
};

function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** What the entry's detail says, in words (the detail never holds secrets: src/vault/audit-log.ts). */
export function auditDetail(e: AuditEntry): string {
  const d = e.detail;
  switch (e.action) {
    case 'create':
      return [d.isPrimary ? 'as the primary key' : '', d.hasPrivateKey ? 'with a private key' : '']
        .filter(Boolean)
        .join(', ');
    case 'verify_failed':
      return `${text(d.reason)}${d.keyHint ? ` (key ending ${text(d.keyHint)})` : ''}`;
    case 'use':
      return d.purpose ? `for ${text(d.purpose).replace(/_/g, ' ')}` : '';
    case 'update': {
      const parts: string[] = [];
      if ('keyName' in d) parts.push(`renamed to “${text(d.keyName)}”`);
      const limit = d.dailySpendLimitUsd as { from?: unknown; to?: unknown } | undefined;
      if (limit) parts.push(`daily limit ${money(text(limit.from))} → ${money(text(limit.to))}`);
      if (d.isPrimary) parts.push('made primary');
      return parts.join(', ');
    }
    case 'revoke':
      return text(d.reason);
    case 'rewrap':
      return 'under a new master key';
    default:
      return '';
  }
}

export function CredentialAuditTrail() {
  const [action, setAction] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? undefined;
  const audit = useQuery({
    queryKey: ['credentials', 'audit', action, cursor],
    queryFn: ({ signal }) =>
      get<Page<AuditEntry>>('/credentials/audit', { action: action || undefined, limit: 20, cursor }, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="end" wrap="wrap">
        <Title order={2} size="h4">
          Audit trail
        </Title>
        <NativeSelect
          label="Show"
          value={action}
          onChange={(e) => {
            setAction(e.currentTarget.value);
            setCursors([null]);
          }}
          data={[
            { value: '', label: 'Everything' },
            ...Object.entries(ACTIONS).map(([value, label]) => ({ value, label })),
          ]}
        />
      </Group>
      {audit.isPending ? (
        <Loading label="Loading the audit trail" />
      ) : audit.isError ? (
        <ErrorState error={audit.error} retry={() => void audit.refetch()} />
      ) : audit.data.items.length === 0 ? (
        <Empty>Nothing recorded{action ? ' of this kind' : ''} yet.</Empty>
      ) : (
        <div className="pc-table-wrap">
          <Table aria-label="Credential audit trail" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>From</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {audit.data.items.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td className="pc-nowrap">{when(e.createdAt)}</Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={e.action === 'verify_failed' || e.action === 'revoke' ? 'red' : 'gray'}
                    >
                      {ACTIONS[e.action] ?? e.action}
                    </Badge>
                    <Text size="xs">{auditDetail(e)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text ff="monospace" size="sm">
                      {e.maskedApiKey ?? '—'}
                    </Text>
                    {e.keyName && (
                      <Text size="xs" c="dimmed">
                        {e.keyName}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {e.actor === 'system' ? 'the platform' : e.actor === 'user' ? 'you' : e.actor}
                  </Table.Td>
                  <Table.Td ff="monospace">{e.ip ?? '—'}</Table.Td>
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
          Newer
        </Button>
        <Button
          variant="default"
          size="xs"
          disabled={!audit.data?.nextCursor}
          onClick={() => setCursors((c) => [...c, audit.data!.nextCursor])}
        >
          Older
        </Button>
      </Group>
    </Stack>
  );
}
