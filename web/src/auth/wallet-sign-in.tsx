// "Sign in with wallet" (Sign-In with Ethereum, EIP-4361) through the browser's wallet — an
// EIP-1193 provider at window.ethereum; the button is shown only when there is one. The message is
// built with viem's SIWE helper for the domain the API names in /config, with a nonce from
// GET /auth/siwe/nonce, signed by the wallet (personal_sign) and verified by POST /auth/siwe/verify,
// which answers a token pair like the password sign-in.
import { Button } from '@mantine/core';
import { useState } from 'react';
import { getAddress, toHex } from 'viem';
import { createSiweMessage } from 'viem/siwe';
import { api, get } from '../api/client';
import type { PublicConfig, TokenPair } from '../api/types';

interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] }): Promise<unknown>;
}

export function browserWallet(): Eip1193Provider | null {
  const w = window as Window & { ethereum?: Eip1193Provider };
  return w.ethereum && typeof w.ethereum.request === 'function' ? w.ethereum : null;
}

async function signInWithWallet(wallet: Eip1193Provider): Promise<TokenPair> {
  const accounts = (await wallet.request({ method: 'eth_requestAccounts' })) as string[];
  if (!accounts[0]) throw new Error('The wallet shared no account.');
  const address = getAddress(accounts[0]);
  const chainId = Number(BigInt((await wallet.request({ method: 'eth_chainId' })) as string));
  const [config, { nonce }] = await Promise.all([
    get<PublicConfig>('/config'),
    get<{ nonce: string }>('/auth/siwe/nonce'),
  ]);
  const message = createSiweMessage({
    address,
    chainId,
    domain: config.siweDomain,
    nonce,
    uri: window.location.origin,
    version: '1',
    statement: 'Sign in to polycopy.',
    issuedAt: new Date(),
  });
  const signature = (await wallet.request({
    method: 'personal_sign',
    params: [toHex(message), address],
  })) as string;
  return api<TokenPair>('POST', '/auth/siwe/verify', { body: { message, signature } });
}

export function WalletSignInButton({
  onSignedIn,
  onError,
}: {
  onSignedIn: (pair: TokenPair) => void;
  onError: (e: unknown) => void;
}) {
  const [busy, setBusy] = useState(false);
  const wallet = browserWallet();
  if (!wallet) return null;
  async function run(w: Eip1193Provider) {
    setBusy(true);
    try {
      onSignedIn(await signInWithWallet(w));
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button variant="default" loading={busy} onClick={() => void run(wallet)}>
      Sign in with wallet
    </Button>
  );
}
