// Email + password sign-in, then the 2FA challenge when the account has it (the API answers
// 401 totp_required: the same request is sent again with the code).
import { Alert, Anchor, Button, Card, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, get } from '../api/client';
import type { PublicConfig, TokenPair } from '../api/types';
import { useSession } from '../auth/session';
import { useQuery } from '@tanstack/react-query';
import { TelegramLoginWidget } from '../auth/telegram-login';
import { WalletSignInButton } from '../auth/wallet-sign-in';
import { errorText } from '../components/states';
import { usePageTitle } from '../lib/use-page-title';

export function safeNext(next: string | null): string {
  // Only paths of this app: never an absolute URL an attacker could plant in ?next=.
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/dashboard';
}

export default function SignInPage() {
  usePageTitle('Sign in');
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const config = useQuery({
    queryKey: ['config'],
    queryFn: ({ signal }) => get<PublicConfig>('/config', undefined, signal),
    staleTime: 5 * 60_000,
  });
  const bot = config.data?.telegramBotUsername ?? null;

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { email, password, ...(needTotp ? { totp: totp.trim() } : {}) };
      const pair = await api<TokenPair>('POST', '/auth/login', { body });
      signedIn(pair);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'totp_required') {
        setNeedTotp(true);
        setError(null);
      } else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card withBorder maw={420} mx="auto" p="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Title order={1} size="h2">
            Sign in
          </Title>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          {!needTotp ? (
            <>
              <TextInput
                label="Email"
                type="email"
                autoComplete="email"

                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"

                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
            </>
          ) : (
            <>
              <Text>Enter the 6-digit code from your authenticator app, or a recovery code.</Text>
              <TextInput
                label="Two-factor code"
                autoComplete="one-time-code"
                inputMode="numeric"
                autoFocus

                value={totp}
                onChange={(e) => setTotp(e.currentTarget.value)}
              />
            </>
          )}
          <Button type="submit" loading={busy}>
            {needTotp ? 'Verify' : 'Sign in'}
          </Button>
          {!needTotp && (
            <WalletSignInButton
              onSignedIn={(pair) => {
                signedIn(pair);
                navigate(safeNext(params.get('next')), { replace: true });
              }}
              onError={(e) =>
                setError(
                  e instanceof ApiError && e.code === 'totp_required'
                    ? 'This account has two-factor authentication: sign in with its email and password.'
                    : errorText(e),
                )
              }
            />
          )}
          {!needTotp && bot && <TelegramLoginWidget bot={bot} />}
          <Text size="sm">
            New here?{' '}
            <Anchor component={Link} to="/sign-up">
              Create an account
            </Anchor>{' '}
            ·{' '}
            <Anchor component={Link} to="/reset-password">
              Forgot your password?
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Card>
  );
}
