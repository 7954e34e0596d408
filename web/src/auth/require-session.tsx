import { Navigate, useLocation } from 'react-router';
import type { ReactNode } from 'react';
import { Loading } from '../components/states';
import { useSession } from './session';

/** Pages for signed-in people: waits for the session check, then sends strangers to sign in. */
export function RequireSession({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const { status, user } = useSession();
  const location = useLocation();
  if (status === 'loading' || (status === 'signedIn' && !user))
    return <Loading label="Checking your session" />;
  if (status === 'signedOut') {
    return (
      <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
    );
  }
  if (admin && user?.role !== 'admin') {
    return <Navigate to="/dashboard" replace />;
  }
  return <>{children}</>;
}
