// Notification preferences per event type (on / silent / off) and the Telegram link code.
import { Alert, Button, Code, NativeSelect, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { NotificationPreferences } from '../../api/types';
import { ErrorState, errorText, Loading } from '../../components/states';
import { when } from '../../lib/format';

export function NotificationsPanel() {
  const qc = useQueryClient();
  const prefs = useQuery({
    queryKey: ['notifications'],
    queryFn: () => api<NotificationPreferences>('GET', '/me/notifications'),
  });
  const save = useMutation({
    mutationFn: (body: Partial<Pick<NotificationPreferences, 'enabled' | 'levels'>>) =>
      api<NotificationPreferences>('PATCH', '/me/notifications', { body }),
    onSuccess: (p) => qc.setQueryData(['notifications'], p),
  });
  const link = useMutation({
    mutationFn: () =>
      api<{ code: string; expiresAt: string; botUsername: string | null }>('POST', '/me/telegram/link-code'),
  });
  if (prefs.isPending) return <Loading label="Loading preferences" />;
  if (prefs.isError) return <ErrorState error={prefs.error} retry={() => void prefs.refetch()} />;
  const p = prefs.data;
  return (
    <Stack>
      {save.isError && (
        <Alert color="red" role="alert">
          {errorText(save.error)}
        </Alert>
      )}
      <Text size="sm">
        Telegram:{' '}
        {p.telegram.linked
          ? p.telegram.blocked
            ? 'linked, but the bot is blocked'
            : 'linked'
          : 'not linked'}
      </Text>
      {!p.telegram.linked && (
        <Stack gap="xs">
          <Button w="fit-content" variant="default" loading={link.isPending} onClick={() => link.mutate()}>
            Link Telegram
          </Button>
          {link.data && (
            <Text size="sm">
              Send <Code>/link {link.data.code}</Code> to{' '}
              {link.data.botUsername ? `@${link.data.botUsername}` : 'the bot'} before{' '}
              {when(link.data.expiresAt)}.
            </Text>
          )}
          {link.isError && (
            <Text c="red" size="sm">
              {errorText(link.error)}
            </Text>
          )}
        </Stack>
      )}
      <Switch
        label="Send me notifications"
        checked={p.enabled}
        onChange={(e) => save.mutate({ enabled: e.currentTarget.checked })}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {Object.entries(p.levels).map(([type, level]) => (
          <NativeSelect
            key={type}
            label={type.replace(/[._]/g, ' ')}
            value={level}
            onChange={(e) =>
              save.mutate({ levels: { [type]: e.currentTarget.value as 'on' | 'silent' | 'off' } })
            }
            data={[
              { value: 'on', label: 'On' },
              { value: 'silent', label: 'Silent' },
              { value: 'off', label: 'Off' },
            ]}
          />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
