// Adds email + password sign-in to an account made with a wallet or Telegram
// (POST /auth/link/email). The API's refusals land on the fields they are about: the password rules
// (weak_password), an address another account has (email_taken), a missing or wrong 2FA code; the
// rest above the button. The address starts unverified: a verification link is mailed.
import { Alert, Button, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import type { User } from '../../api/types';
import { fieldErrors } from '../../lib/field-errors';

const FIELDS = ['email', 'password'] as const;

function errorsOf(error: unknown): { fields: Record<string, string>; form: string | null } {
  if (error instanceof ApiError) {
    if (error.code === 'weak_password') return { fields: { password: error.message }, form: null };
    if (error.code === 'email_taken') return { fields: { email: error.message }, form: null };
    if (error.code.startsWith('totp_') || error.code === 'invalid_totp')
      return { fields: { totp: error.message }, form: null };
  }
  return fieldErrors(error, FIELDS);
}

export function LinkEmailForm({ twoFactorEnabled }: { twoFactorEnabled: boolean }) {
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const link = useMutation({
    mutationFn: () =>
      api<User>('POST', '/auth/link/email', {
        body: { email, password },
        headers: twoFactorEnabled && totp.trim() ? { 'x-totp': totp.trim() } : {},
      }),
    onSuccess: (user) => {
      qc.setQueryData(['me'], user);
      void qc.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const errs = link.error ? errorsOf(link.error) : { fields: {} as Record<string, string>, form: null };
  return (
    <Stack
      component="form"
      aria-labelledby="link-email-title"
      gap="sm"
      maw={420}
      onSubmit={(e) => {
        e.preventDefault();
        link.mutate();
      }}
    >
      <Title order={2} size="h4" id="link-email-title">
        Add email and password sign-in
      </Title>
      <Text size="sm" c="dimmed">
        Sign in with an email and password as well as your wallet or Telegram. We send a link to verify the
        address.
      </Text>
      <TextInput
        label="Email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.currentTarget.value)}
        error={errs.fields.email}
      />
      <PasswordInput
        label="New password"
        autoComplete="new-password"
        description="At least 10 characters; not a common password"
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
        error={errs.fields.password}
        // Mantine's PasswordInput marks its error by style only: say it to assistive technology too.
        aria-invalid={errs.fields.password ? true : undefined}
      />
      {twoFactorEnabled && (
        <TextInput
          label="Two-factor code"
          autoComplete="one-time-code"
          inputMode="numeric"
          value={totp}
          onChange={(e) => setTotp(e.currentTarget.value)}
          error={errs.fields.totp}
        />
      )}
      {errs.form && (
        <Alert color="red" role="alert">
          {errs.form}
        </Alert>
      )}
      <Group>
        <Button type="submit" loading={link.isPending}>
          Add email sign-in
        </Button>
      </Group>
    </Stack>
  );
}
