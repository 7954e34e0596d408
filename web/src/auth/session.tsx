// Who is signed in. On page load the refresh cookie is exchanged for an access token once
// (POST /auth/refresh); the token then lives only in api/client.ts's memory.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, accessToken, maySignIn, onSessionChange, refreshSession, setSession } from '../api/client';
import type { TokenPair, User } from '../api/types';

type Status = 'loading' | 'signedIn' | 'signedOut';

interface SessionValue {
  status: Status;
  user: User | undefined;
  signedIn(pair: Pick<TokenPair, 'accessToken' | 'accessTokenExpiresAt'>): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status>(accessToken() ? 'signedIn' : 'loading');

  useEffect(() => {
    const off = onSessionChange((inNow) => {
      setStatus(inNow ? 'signedIn' : 'signedOut');
      if (!inNow) queryClient.removeQueries({ predicate: (q) => q.queryKey[0] === 'me' });
    });
    if (accessToken()) return off;
    if (maySignIn()) void refreshSession().then((ok) => setStatus(ok ? 'signedIn' : 'signedOut'));
    else setStatus('signedOut');
    return off;
  }, [queryClient]);

  const me = useQuery({
    queryKey: ['me'],
    queryFn: () => api<User>('GET', '/me'),
    enabled: status === 'signedIn',
    staleTime: 30_000,
  });

  const signedIn = useCallback(
    (pair: Pick<TokenPair, 'accessToken' | 'accessTokenExpiresAt'>) => {
      setSession(pair);
      setStatus('signedIn');
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/auth/logout');
    } catch {
      // Signed out locally whatever the server said: the token is dropped below.
    }
    setSession(null);
    setStatus('signedOut');
    queryClient.clear();
  }, [queryClient]);

  const value = useMemo(
    () => ({ status, user: status === 'signedIn' ? me.data : undefined, signedIn, signOut }),
    [status, me.data, signedIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
