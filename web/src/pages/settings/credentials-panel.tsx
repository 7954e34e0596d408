// Polymarket credentials: add (verified by the API against Polymarket before it stores them),
// listed masked, daily limit edit, make primary, revoke, and the audit trail of it all. Rotating is
// adding the new key and revoking the old one. Every change needs a 2FA code when 2FA is on.
import {
  Alert,
  Badge,
  Button,
  Group,
  NativeSelect,
  PasswordInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { Credential } from '../../api/types';
import { useSession } from '../../auth/session';
import { Money } from '../../components/figures';
import { Empty, ErrorState, errorText, Loading } from '../../components/states';
import { fieldErrors } from '../../lib/field-errors';
import { when } from '../../lib/format';
import { CredentialAuditTrail } from './credential-audit';

const FIELDS = [
  'apiKey',
  'apiSecret',
  'apiPassphrase',
  'privateKey',
  'signatureType',
  'funderAddress',
  'keyName',
  'dailySpendLimitUsd',
];

function AddCredential({ totp }: { totp: string }) {
  const qc = useQueryClient();
  const [v, setV] = useState<Record<string, string>>({ signatureType: '0', dailySpendLimitUsd: '250' });
  const set = (k: string) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    const value = e.currentTarget.value;
    setV((o) => ({ ...o, [k]: value }));
  };
  const add = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { signatureType: Number(v.signatureType) };
      for (const k of [
        'apiKey',
        'apiSecret',
        'apiPassphrase',
        'privateKey',
        'funderAddress',
        'keyName',
        'dailySpendLimitUsd',
      ])
        if (v[k]?.trim()) body[k] = v[k]!.trim();
      return api<Credential>('POST', '/credentials', { body, headers: totp ? { 'x-totp': totp } : {} });
    },
    onSuccess: () => setV({ signatureType: '0', dailySpendLimitUsd: '250' }),
    // A refusal is in the audit trail too (verify_failed): refresh the list and the trail either way.
    onSettled: () => qc.invalidateQueries({ queryKey: ['credentials'] }),
  });
  const errs = add.error ? fieldErrors(add.error, FIELDS) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {errs?.form && (
          <Alert color="red" role="alert">
            {errs.form}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="API key"
            value={v.apiKey ?? ''}
            onChange={set('apiKey')}
            error={errs?.fields.apiKey}
            autoComplete="off"
          />
          <PasswordInput
            label="API secret"
            value={v.apiSecret ?? ''}
            onChange={set('apiSecret')}
            error={errs?.fields.apiSecret}
            autoComplete="off"
          />
          <PasswordInput
            label="API passphrase"
            value={v.apiPassphrase ?? ''}
            onChange={set('apiPassphrase')}
            error={errs?.fields.apiPassphrase}
            autoComplete="off"
          />
          <PasswordInput
            label="Private key (optional)"
            value={v.privateKey ?? ''}
            onChange={set('privateKey')}
            error={errs?.fields.privateKey}
            autoComplete="off"
          />
          <NativeSelect
            label="Signature type"
            value={v.signatureType}
            onChange={set('signatureType')}
            data={[
              { value: '0', label: 'EOA wallet' },
              { value: '1', label: 'Polymarket proxy' },
              { value: '2', label: 'Gnosis Safe' },
              { value: '3', label: 'Smart contract (1271)' },
            ]}
          />
          <TextInput
            label="Funder address"
            value={v.funderAddress ?? ''}
            onChange={set('funderAddress')}
            error={errs?.fields.funderAddress}
          />
          <TextInput
            label="Name"
            value={v.keyName ?? ''}
            onChange={set('keyName')}
            error={errs?.fields.keyName}
          />
          <TextInput
            label="Daily spend limit (USD)"
            inputMode="decimal"
            value={v.dailySpendLimitUsd ?? ''}
            onChange={set('dailySpendLimitUsd')}
            error={errs?.fields.dailySpendLimitUsd}
          />
        </SimpleGrid>
        <Button type="submit" w="fit-content" loading={add.isPending}>
          Verify and add
        </Button>
      </Stack>
    </form>
  );
}

export function CredentialsPanel() {
  const { user } = useSession();
  const qc = useQueryClient();
  const [totp, setTotp] = useState('');
  const creds = useQuery({
    queryKey: ['credentials'],
    queryFn: () => api<{ credentials: Credential[] }>('GET', '/credentials'),
  });
  const headers: Record<string, string> = totp ? { 'x-totp': totp.trim() } : {};
  const act = useMutation({
    mutationFn: (a: { c: Credential; kind: 'revoke' | 'primary' }) =>
      a.kind === 'revoke'
        ? api('POST', `/credentials/${a.c.id}/revoke`, {
            body: { reason: 'revoked in the dashboard' },
            headers,
          })
        : api('PATCH', `/credentials/${a.c.id}`, { body: { isPrimary: true }, headers }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['credentials'] }),
  });
  return (
    <Stack>
      {user?.twoFactorEnabled && (
        <TextInput
          label="Two-factor code for these changes"
          autoComplete="one-time-code"
          w={260}
          value={totp}
          onChange={(e) => setTotp(e.currentTarget.value)}
        />
      )}
      {act.isError && (
        <Alert color="red" role="alert">
          {errorText(act.error)}
        </Alert>
      )}
      {creds.isPending ? (
        <Loading label="Loading credentials" />
      ) : creds.isError ? (
        <ErrorState error={creds.error} retry={() => void creds.refetch()} />
      ) : creds.data.credentials.length === 0 ? (
        <Empty>No Polymarket credentials yet: you copy in paper mode.</Empty>
      ) : (
        <div className="pc-table-wrap">
          <Table aria-label="Polymarket credentials" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Key</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Spent today</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {creds.data.credentials.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Text ff="monospace">{c.maskedApiKey}</Text>
                    <Text size="xs" c="dimmed">
                      {c.keyName ?? 'unnamed'} {c.isPrimary && '· primary'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={c.status === 'active' ? 'teal' : 'gray'}>
                      {c.status}
                    </Badge>
                    {c.revokedAt && <Text size="xs">revoked {when(c.revokedAt)}</Text>}
                  </Table.Td>
                  <Table.Td>
                    <Money value={c.dailySpentUsd} /> of <Money value={c.dailySpendLimitUsd} />
                  </Table.Td>
                  <Table.Td className="pc-nowrap">{when(c.lastUsedAt)}</Table.Td>
                  <Table.Td>
                    {c.status === 'active' && (
                      <Group gap={4} wrap="nowrap">
                        {!c.isPrimary && (
                          <Button
                            size="compact-sm"
                            variant="default"
                            onClick={() => act.mutate({ c, kind: 'primary' })}
                          >
                            Make primary
                          </Button>
                        )}
                        <Button
                          size="compact-sm"
                          variant="light"
                          color="red"
                          onClick={() => act.mutate({ c, kind: 'revoke' })}
                          aria-label={`Revoke key ${c.maskedApiKey}`}
                        >
                          Revoke
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      <Text fw={600}>Add a key</Text>
      <Text size="sm" c="dimmed">
        To rotate a key, add the new one, then revoke the old one. Secrets are stored encrypted and never
        shown again.
      </Text>
      <AddCredential totp={totp.trim()} />
      <CredentialAuditTrail />
    </Stack>
  );
}
