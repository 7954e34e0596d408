// My dashboard: cards, the true equity curve, live activity, following, positions, copy history
// and the decisions behind every leader fill; the emergency stop.
import { Grid, Group, Paper, Stack, Tabs, Title } from '@mantine/core';
import { usePageTitle } from '../lib/use-page-title';
import { ActivityFeed } from './dashboard/activity-feed';
import { CopyHistory, DecisionsTable } from './dashboard/copy-history';
import { EmergencyStop } from './dashboard/emergency-stop';
import { EquityChart } from './dashboard/equity-chart';
import { FollowingList } from './dashboard/following-list';
import { PositionsTable } from './dashboard/positions-table';
import { SummaryCards } from './dashboard/summary-cards';

export default function DashboardPage() {
  usePageTitle('My dashboard');
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>My dashboard</Title>
        <EmergencyStop />
      </Group>
      <SummaryCards />
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <EquityChart />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <ActivityFeed />
        </Grid.Col>
      </Grid>
      <FollowingList />
      <Paper withBorder p="md">
        <Tabs defaultValue="positions" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="positions">Positions</Tabs.Tab>
            <Tabs.Tab value="history">Copy history</Tabs.Tab>
            <Tabs.Tab value="decisions">Why (not) copied</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="positions" pt="md">
            <PositionsTable />
          </Tabs.Panel>
          <Tabs.Panel value="history" pt="md">
            <CopyHistory />
          </Tabs.Panel>
          <Tabs.Panel value="decisions" pt="md">
            <DecisionsTable />
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </Stack>
  );
}
