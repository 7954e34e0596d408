// Sign-up leaves the person signed in (the API answers a session with the new user); the email
// verification is a banner afterwards, not a wall.
import { Alert, Anchor, Button, Card, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client';
import type { TokenPair, User } from '../api/types';
import { useSession } from '../auth/session';
import { errorText } from '../components/states';
import { usePageTitle } from '../lib/use-page-title';
import { safeNext } from './sign-in-page';

type Registered = { user: User } & Partial<TokenPair>;

export default function SignUpPage() {
  usePageTitle('Create an account');
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const res = await api<Registered>('POST', '/auth/register', { body: { email, password } });
      // Older servers answered the user only: sign in with the same credentials then.
      const pair =
        res.accessToken && res.accessTokenExpiresAt
          ? res
          : await api<TokenPair>('POST', '/auth/login', { body: { email, password } });
      signedIn({ accessToken: pair.accessToken!, accessTokenExpiresAt: pair.accessTokenExpiresAt! });
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'weak_password') setErrors({ password: e.message });
      else if (e instanceof ApiError && e.code === 'email_taken') setErrors({ email: e.message });
      else if (e instanceof ApiError && e.code === 'validation_failed' && /email/.test(e.message))
        setErrors({ email: 'Enter a valid email address' });
      else setErrors({ form: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card withBorder maw={420} mx="auto" p="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Title order={1} size="h2">
            Create an account
          </Title>
          <Text c="dimmed" size="sm">
            Start in paper mode with virtual money; connect Polymarket later for live copying.
          </Text>
          {errors.form && (
            <Alert color="red" role="alert">
              {errors.form}
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"

            value={email}
            error={errors.email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <PasswordInput
            label="Password"
            description="At least 10 characters; a passphrase is best."
            autoComplete="new-password"

            value={password}
            error={errors.password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Button type="submit" loading={busy}>
            Create account
          </Button>
          <Text size="sm">
            Already have an account?{' '}
            <Anchor component={Link} to="/sign-in">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Card>
  );
}
