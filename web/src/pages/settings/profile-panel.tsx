// Profile: who you are, your tier's limits, linked sign-ins (remove one, never the last; add email
// and password to a wallet or Telegram account), and the password (changed through a reset link
// sent to your email).
import { Alert, Button, Group, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { useSession } from '../../auth/session';
import { Money } from '../../components/figures';
import { StatCard } from '../../components/stat-card';
import { errorText } from '../../components/states';
import { shortWallet, when } from '../../lib/format';
import { LinkEmailForm } from './link-email-form';

export function ProfilePanel() {
  const { user } = useSession();
  const qc = useQueryClient();
  const [totp, setTotp] = useState('');
  const reset = useMutation({
    mutationFn: () => api('POST', '/auth/password-reset/request', { body: { email: user!.email } }),
  });
  const unlink = useMutation({
    mutationFn: (kind: string) =>
      api('DELETE', `/auth/identities/${kind}`, { headers: totp ? { 'x-totp': totp.trim() } : {} }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['me'] }),
  });
  if (!user) return null;
  const identities = [
    { kind: 'email', label: 'Email and password', value: user.email },
    { kind: 'wallet', label: 'Wallet', value: user.walletAddress && shortWallet(user.walletAddress) },
    { kind: 'telegram', label: 'Telegram', value: user.telegramId },
  ];
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <StatCard label="Tier">{user.subscriptionTier}</StatCard>
        <StatCard label="Followed traders">{user.limits.maxFollowedTraders}</StatCard>
        <StatCard label="Max trade">
          <Money value={user.limits.maxTradeSizeUsd} places={0} />
        </StatCard>
        <StatCard label="Max exposure">
          <Money value={user.limits.maxTotalExposureUsd} places={0} />
        </StatCard>
      </SimpleGrid>
      <Text size="sm">
        Member since {when(user.createdAt)} · email {user.emailVerified ? 'verified' : 'not verified yet'}
      </Text>
      <div className="pc-table-wrap">
        <Table aria-label="Ways to sign in" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Sign-in</Table.Th>
              <Table.Th>Linked</Table.Th>
              <Table.Th>Action</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {identities.map((i) => (
              <Table.Tr key={i.kind}>
                <Table.Td>{i.label}</Table.Td>
                <Table.Td>{i.value ?? '—'}</Table.Td>
                <Table.Td>
                  {i.value && (
                    <Button
                      size="compact-sm"
                      variant="light"
                      color="red"
                      onClick={() => unlink.mutate(i.kind)}
                      aria-label={`Remove ${i.label}`}
                    >
                      Remove
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {user.twoFactorEnabled && (
        <TextInput
          label="Two-factor code (to remove a sign-in)"
          w={260}
          value={totp}
          onChange={(e) => setTotp(e.currentTarget.value)}
        />
      )}
      {unlink.isError && (
        <Alert color="red" role="alert">
          {errorText(unlink.error)}
        </Alert>
      )}
      {!user.email && <LinkEmailForm twoFactorEnabled={user.twoFactorEnabled} />}
      {user.email && (
        <Group>
          <Button
            variant="default"
            loading={reset.isPending}
            disabled={reset.isSuccess}
            onClick={() => reset.mutate()}
          >
            Change my password
          </Button>
          {reset.isSuccess && (
            <Text size="sm">A link to set a new password is on its way to {user.email}.</Text>
          )}
        </Group>
      )}
    </Stack>
  );
}
