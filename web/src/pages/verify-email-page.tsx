// The email verification link (PUBLIC_URL/verify-email#token=…) lands here; the token is posted once.
import { Alert, Anchor, Card, Stack, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { api } from '../api/client';
import { errorText, Loading } from '../components/states';
import { usePageTitle } from '../lib/use-page-title';
import { fragmentToken } from './password-reset-page';

export default function VerifyEmailPage() {
  usePageTitle('Verify your email');
  const token = fragmentToken(useLocation().hash);
  const qc = useQueryClient();
  const [state, setState] = useState<{ ok?: boolean; error?: string }>({});
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    api('POST', '/auth/verify-email/confirm', { body: { token } })
      .then(() => {
        setState({ ok: true });
        void qc.invalidateQueries({ queryKey: ['me'] });
      })
      .catch((e: unknown) => setState({ error: errorText(e) }));
  }, [token, qc]);
  return (
    <Card withBorder maw={480} mx="auto" p="lg">
      <Stack>
        <Title order={1} size="h2">
          Verify your email
        </Title>
        {!token ? (
          <Alert color="red" role="alert">
            This link has no token. Open the link from the email again.
          </Alert>
        ) : state.ok ? (
          <Alert color="teal" role="status">
            Your email is verified.
          </Alert>
        ) : state.error ? (
          <Alert color="red" role="alert">
            {state.error}
          </Alert>
        ) : (
          <Loading label="Verifying" />
        )}
        <Anchor component={Link} to="/dashboard">
          Go to my dashboard
        </Anchor>
      </Stack>
    </Card>
  );
}
