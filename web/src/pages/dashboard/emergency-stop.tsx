// The emergency stop, behind a confirmation (and a 2FA code when 2FA is on): pauses every follow,
// cancels pending copies, and optionally queues a closing sell of every open position.
import { Alert, Button, Checkbox, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import type { EmergencyStopResult } from '../../api/types';
import { useSession } from '../../auth/session';
import { errorText } from '../../components/states';

export function EmergencyStop() {
  const { user } = useSession();
  const [opened, { open, close }] = useDisclosure(false);
  const [closePositions, setClosePositions] = useState(false);
  const [totp, setTotp] = useState('');
  const qc = useQueryClient();
  const stop = useMutation({
    mutationFn: () =>
      api<EmergencyStopResult>('POST', '/emergency-stop', {
        body: { closePositions },
        headers: user?.twoFactorEnabled ? { 'x-totp': totp.trim() } : {},
      }),
    onSuccess: () => qc.invalidateQueries(),
  });
  return (
    <>
      <Button color="red" variant="filled" onClick={open}>
        Emergency stop
      </Button>
      <Modal opened={opened} onClose={close} title="Stop all copying now?">
        <Stack>
          <Text size="sm">
            Every follow is paused and every pending copy is cancelled. You resume follows one by one.
          </Text>
          <Checkbox
            label="Also sell all my open positions"
            checked={closePositions}
            onChange={(e) => setClosePositions(e.currentTarget.checked)}
          />
          {user?.twoFactorEnabled && (
            <TextInput
              label="Two-factor code"
              autoComplete="one-time-code"
              inputMode="numeric"
              value={totp}
              onChange={(e) => setTotp(e.currentTarget.value)}
            />
          )}
          {stop.isError && (
            <Alert color="red" role="alert">
              {errorText(stop.error)}
            </Alert>
          )}
          {stop.data && (
            <Alert color="teal" role="status">
              Stopped: {stop.data.pausedRelationships} follows paused, {stop.data.cancelledQueueRows} pending
              copies cancelled, {stop.data.closeOrdersQueued} closing sells queued.
            </Alert>
          )}
          <Button color="red" loading={stop.isPending} onClick={() => stop.mutate()} disabled={!!stop.data}>
            Yes, stop everything
          </Button>
        </Stack>
      </Modal>
    </>
  );
}
