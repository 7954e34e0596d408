// The Telegram login widget, shown when the API's /config names a bot (TELEGRAM_BOT_TOKEN set). It is
// Telegram's own script from telegram.org (allowed by the CSP only then); it runs in redirect mode
// (data-auth-url), because its callback mode evaluates a string, which the CSP forbids. Telegram
// sends the browser back to /sign-in/telegram with the signed payload in the query, and that page
// hands it to POST /auth/telegram, which checks the hash with the bot token.
import { Alert, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client';
import type { TokenPair } from '../api/types';
import { errorText, Loading } from '../components/states';
import { useSession } from './session';

export function TelegramLoginWidget({ bot }: { bot: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const script = document.createElement('script');
    script.async = true;
    script.src = 'https://telegram.org/js/telegram-widget.js?22';
    script.dataset.telegramLogin = bot;
    script.dataset.size = 'large';
    script.dataset.authUrl = `${window.location.origin}/sign-in/telegram`;
    script.dataset.requestAccess = 'write';
    el.appendChild(script);
    return () => el.replaceChildren();
  }, [bot]);
  return <div ref={box} role="group" aria-label={`Sign in with Telegram (@${bot})`} />;
}

const FIELDS = ['id', 'first_name', 'last_name', 'username', 'photo_url', 'auth_date', 'hash'] as const;

/** /sign-in/telegram: where the widget sends the browser back with its payload. */
export default function TelegramCallbackPage() {
  const [params] = useSearchParams();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  // The payload is sent once: the effect re-runs when the session's callbacks change, and a second
  // sign-in racing the first one's account creation is refused (409) and logged as an error.
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    const body: Record<string, string | number> = {};
    for (const f of FIELDS) {
      const v = params.get(f);
      if (v !== null) body[f] = f === 'id' || f === 'auth_date' ? Number(v) : v;
    }
    api<TokenPair>('POST', '/auth/telegram', { body })
      .then((pair) => {
        signedIn(pair);
        navigate('/dashboard', { replace: true });
      })
      .catch((e: unknown) =>
        setError(
          e instanceof ApiError && e.code === 'totp_required'
            ? 'This account has two-factor authentication: sign in with its email and password.'
            : errorText(e),
        ),
      );
  }, [params, signedIn, navigate]);
  if (!error) return <Loading label="Signing you in with Telegram" />;
  return (
    <Stack maw={420} mx="auto">
      <Alert color="red" role="alert" title="Telegram sign-in failed">
        <Text size="sm">{error}</Text>
      </Alert>
    </Stack>
  );
}
