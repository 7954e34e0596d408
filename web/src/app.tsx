// Routes. Pages beyond the leaderboard are split into their own chunks so the first load stays
// small (the chart library is only fetched by pages that draw charts).
import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { RequireSession } from './auth/require-session';
import { Layout } from './components/layout';
import { Loading } from './components/states';
import { LeaderboardPage } from './pages/leaderboard-page';
import { NotFoundPage } from './pages/not-found-page';

const TraderPage = lazy(() => import('./pages/trader-page'));
const SignInPage = lazy(() => import('./pages/sign-in-page'));
const TelegramCallbackPage = lazy(() => import('./auth/telegram-login'));
const SignUpPage = lazy(() => import('./pages/sign-up-page'));
const PasswordResetPage = lazy(() => import('./pages/password-reset-page'));
const VerifyEmailPage = lazy(() => import('./pages/verify-email-page'));
const DashboardPage = lazy(() => import('./pages/dashboard-page'));
const SettingsPage = lazy(() => import('./pages/settings-page'));
const AdminPage = lazy(() => import('./pages/admin-page'));

export function App() {
  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<LeaderboardPage />} />
          <Route path="/traders/:wallet" element={<TraderPage />} />
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="/sign-in/telegram" element={<TelegramCallbackPage />} />
          <Route path="/sign-up" element={<SignUpPage />} />
          <Route path="/reset-password" element={<PasswordResetPage />} />
          <Route path="/verify-email" element={<VerifyEmailPage />} />
          <Route
            path="/dashboard"
            element={
              <RequireSession>
                <DashboardPage />
              </RequireSession>
            }
          />
          <Route
            path="/settings"
            element={
              <RequireSession>
                <SettingsPage />
              </RequireSession>
            }
          />
          <Route
            path="/admin"
            element={
              <RequireSession admin>
                <AdminPage />
              </RequireSession>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
