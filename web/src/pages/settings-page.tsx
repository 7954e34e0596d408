// Settings: profile and sign-ins, two-factor, sessions, Polymarket credentials, notifications.
import { Paper, Stack, Tabs, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { usePageTitle } from '../lib/use-page-title';
import { CredentialsPanel } from './settings/credentials-panel';
import { NotificationsPanel } from './settings/notifications-panel';
import { ProfilePanel } from './settings/profile-panel';
import { SessionsPanel } from './settings/sessions-panel';
import { TwoFactorPanel } from './settings/two-factor-panel';

export default function SettingsPage() {
  usePageTitle('Settings');
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'profile';
  return (
    <Stack>
      <Title order={1}>Settings</Title>
      <Paper withBorder p="md">
        <Tabs
          value={tab}
          onChange={(v) => setParams({ tab: v ?? 'profile' }, { replace: true })}
          keepMounted={false}
        >
          <Tabs.List>
            <Tabs.Tab value="profile">Profile</Tabs.Tab>
            <Tabs.Tab value="security">Two-factor</Tabs.Tab>
            <Tabs.Tab value="sessions">Sessions</Tabs.Tab>
            <Tabs.Tab value="credentials">Polymarket keys</Tabs.Tab>
            <Tabs.Tab value="notifications">Notifications</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="profile" pt="md">
            <ProfilePanel />
          </Tabs.Panel>
          <Tabs.Panel value="security" pt="md">
            <TwoFactorPanel />
          </Tabs.Panel>
          <Tabs.Panel value="sessions" pt="md">
            <SessionsPanel />
          </Tabs.Panel>
          <Tabs.Panel value="credentials" pt="md">
            <CredentialsPanel />
          </Tabs.Panel>
          <Tabs.Panel value="notifications" pt="md">
            <NotificationsPanel />
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </Stack>
  );
}
