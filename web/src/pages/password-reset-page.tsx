// Password reset: ask for a link by email; the link (PUBLIC_URL/reset-password#token=…) brings the
// person back here with the token in the fragment, which never reaches a server log.
import { Alert, Anchor, Button, Card, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { api, ApiError } from '../api/client';
import { errorText } from '../components/states';
import { usePageTitle } from '../lib/use-page-title';

export function fragmentToken(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token');
}

export default function PasswordResetPage() {
  usePageTitle('Reset your password');
  const token = fragmentToken(useLocation().hash);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<{ field?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError({});
    try {
      if (token) {
        await api('POST', '/auth/password-reset/confirm', { body: { token, password } });
        setDone('Your password is changed. Every session was signed out: sign in with the new one.');
      } else {
        await api('POST', '/auth/password-reset/request', { body: { email } });
        setDone('If an account has this email, a reset link is on its way.');
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === 'weak_password') setError({ field: e.message });
      else setError({ form: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card withBorder maw={420} mx="auto" p="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Title order={1} size="h2">
            Reset your password
          </Title>
          {done ? (
            <Alert color="teal" role="status">
              {done}
            </Alert>
          ) : (
            <>
              {error.form && (
                <Alert color="red" role="alert">
                  {error.form}
                </Alert>
              )}
              {token ? (
                <PasswordInput
                  label="New password"
                  autoComplete="new-password"
                  value={password}
                  error={error.field}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                />
              ) : (
                <TextInput
                  label="Email"
                  type="email"
                  autoComplete="email"
                  value={email}
                  onChange={(e) => setEmail(e.currentTarget.value)}
                />
              )}
              <Button type="submit" loading={busy}>
                {token ? 'Set the new password' : 'Send me a reset link'}
              </Button>
            </>
          )}
          <Text size="sm">
            <Anchor component={Link} to="/sign-in">
              Back to sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Card>
  );
}
