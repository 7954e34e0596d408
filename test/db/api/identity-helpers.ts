// Proofs and second factors generated the way real clients do, for tests that need a signed-in
// user with a wallet, a Telegram account or 2FA: SIWE messages signed by a viem local account,
// Telegram login payloads hashed by Telegram's recipe, TOTP codes from otpauth.
import { createHash, createHmac } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import type { TestApi } from './api-harness.ts';

export const TEST_BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

export function newWallet(): { privateKey: `0x${string}`; account: PrivateKeyAccount } {
  const privateKey = generatePrivateKey();
  return { privateKey, account: privateKeyToAccount(privateKey) };
}

/** A fresh nonce from the API and an EIP-4361 message for PUBLIC_URL http://app.test, signed. */
export async function siweProof(api: TestApi, account: PrivateKeyAccount) {
  const res = await api.app.inject({ method: 'GET', url: '/api/v1/auth/siwe/nonce' });
  if (res.statusCode !== 200) throw new Error(`nonce: ${res.statusCode} ${res.body}`);
  const { nonce } = res.json() as { nonce: string };
  const message = createSiweMessage({
    address: account.address,
    chainId: 137,
    domain: 'app.test',
    nonce,
    uri: 'http://app.test/login',
    version: '1',
    issuedAt: api.clock.now(),
  });
  return { message, signature: await account.signMessage({ message }) };
}

let nextTelegramId = 8_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100;

/** A login widget payload for a new Telegram id (or `id`), hashed with the bot token. */
export function telegramPayload(api: TestApi, id = ++nextTelegramId, token = TEST_BOT_TOKEN) {
  const fields: Record<string, string | number> = {
    id,
    first_name: 'Ada',
    username: `ada_${id}`,
    auth_date: Math.floor(api.clock.now().getTime() / 1000) - 60,
  };
  const check = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('\n');
  const key = createHash('sha256').update(token).digest();
  return { ...fields, hash: createHmac('sha256', key).update(check).digest('hex') } as {
    id: number;
    first_name: string;
    username: string;
    auth_date: number;
    hash: string;
  };
}

/** The current TOTP code of a base32 secret at the API's clock. */
export const totpCode = (api: TestApi, secret: string) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: api.clock.now().getTime() });

/**
 * Turns 2FA on for a signed-in user; returns the secret and the recovery codes. Advances the clock
 * one step so the next code is fresh.
 */
export async function enableTwoFactor(api: TestApi, auth: Record<string, string>) {
  const enroll = await api.app.inject({ method: 'POST', url: '/api/v1/auth/2fa/enroll', headers: auth });
  if (enroll.statusCode !== 200) throw new Error(`enroll: ${enroll.statusCode} ${enroll.body}`);
  const { secret } = enroll.json() as { secret: string };
  const confirm = await api.app.inject({
    method: 'POST',
    url: '/api/v1/auth/2fa/confirm',
    headers: auth,
    payload: { code: totpCode(api, secret) },
  });
  if (confirm.statusCode !== 200) throw new Error(`confirm: ${confirm.statusCode} ${confirm.body}`);
  api.clock.advance(30_000);
  return { secret, recoveryCodes: (confirm.json() as { recoveryCodes: string[] }).recoveryCodes };
}
