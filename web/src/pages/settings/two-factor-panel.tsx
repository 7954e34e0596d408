// Two-factor enrolment: the QR code (a data: image, allowed by the CSP) and the secret, a code to
// confirm, then the recovery codes shown once. Disabling needs a code too.
import { Alert, Button, Code, Group, Image, List, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { useSession } from '../../auth/session';
import { errorText } from '../../components/states';

interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

export function TwoFactorPanel() {
  const { user } = useSession();
  const qc = useQueryClient();
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const enrol = useMutation({ mutationFn: () => api<Enrolment>('POST', '/auth/2fa/enroll') });
  const confirm = useMutation({
    mutationFn: () =>
      api<{ recoveryCodes: string[] }>('POST', '/auth/2fa/confirm', { body: { code: code.trim() } }),
    onSuccess: (r) => {
      setCodes(r.recoveryCodes);
      setCode('');
      void qc.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const disable = useMutation({
    mutationFn: () => api('POST', '/auth/2fa/disable', { body: { code: code.trim() } }),
    onSuccess: () => {
      setCode('');
      enrol.reset();
      void qc.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const error = enrol.error ?? confirm.error ?? disable.error;

  if (codes)
    return (
      <Stack>
        <Alert color="teal" role="status" title="Two-factor authentication is on">
          Store these recovery codes offline. Each works once, in place of a code; they are not shown again.
        </Alert>
        <List aria-label="Recovery codes" ff="monospace">
          {codes.map((c) => (
            <List.Item key={c}>{c}</List.Item>
          ))}
        </List>
        <Button variant="default" onClick={() => setCodes(null)}>
          I stored them
        </Button>
      </Stack>
    );
  return (
    <Stack>
      {error && (
        <Alert color="red" role="alert">
          {errorText(error)}
        </Alert>
      )}
      {user?.twoFactorEnabled ? (
        <>
          <Text>
            Two-factor authentication is on. Sign-in, live copying, credential changes and the emergency stop
            ask for a code.
          </Text>
          <Group align="end">
            <TextInput
              label="Code to turn it off"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
            />
            <Button color="red" variant="light" loading={disable.isPending} onClick={() => disable.mutate()}>
              Turn off two-factor
            </Button>
          </Group>
        </>
      ) : enrol.data ? (
        <>
          <Text>
            Scan this code with your authenticator app, or type the secret, then enter the code it shows.
          </Text>
          <Image src={enrol.data.qrCodeDataUrl} alt="QR code of your two-factor secret" w={180} h={180} />
          <Text size="sm">
            Secret: <Code aria-label="Two-factor secret">{enrol.data.secret}</Code>
          </Text>
          <Group align="end">
            <TextInput
              label="Code from the app"
              autoComplete="one-time-code"
              inputMode="numeric"
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
            />
            <Button loading={confirm.isPending} onClick={() => confirm.mutate()}>
              Turn on two-factor
            </Button>
          </Group>
        </>
      ) : (
        <>
          <Text>Protect your account with a code from an authenticator app.</Text>
          <Button w="fit-content" loading={enrol.isPending} onClick={() => enrol.mutate()}>
            Set up two-factor
          </Button>
        </>
      )}
    </Stack>
  );
}
