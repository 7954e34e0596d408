// The frame of every page: a header with the navigation (a burger menu on phones), the theme
// switch and the session controls; an unverified email is a banner, never a wall.
import {
  ActionIcon,
  Alert,
  Anchor,
  AppShell,
  Burger,
  Button,
  Container,
  Group,
  NavLink,
  Stack,
  Text,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api } from '../api/client';
import { useSession } from '../auth/session';

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <ActionIcon
      variant="default"
      size="lg"
      aria-label={`Switch to ${next} theme`}
      onClick={() => setColorScheme(next)}
    >
      <span aria-hidden>{scheme === 'dark' ? '☀' : '☾'}</span>
    </ActionIcon>
  );
}

function useLinks() {
  const { user } = useSession();
  const links = [{ to: '/', label: 'Leaderboard' }];
  if (user) {
    links.push({ to: '/dashboard', label: 'My dashboard' }, { to: '/settings', label: 'Settings' });
    if (user.role === 'admin') links.push({ to: '/admin', label: 'Admin' });
  }
  return links;
}

function SessionControls() {
  const { status, user, signOut } = useSession();
  const navigate = useNavigate();
  if (status === 'loading') return null;
  if (!user)
    return (
      <Group gap="xs">
        <Button component={Link} to="/sign-in" variant="default" size="sm">
          Sign in
        </Button>
        <Button component={Link} to="/sign-up" size="sm">
          Sign up
        </Button>
      </Group>
    );
  return (
    <Button variant="default" size="sm" onClick={() => void signOut().then(() => navigate('/'))}>
      Sign out
    </Button>
  );
}

function VerifyBanner() {
  const { user } = useSession();
  const [sent, setSent] = useState(false);
  if (!user || !user.email || user.emailVerified) return null;
  return (
    <Alert color="yellow" mb="md" title="Please verify your email">
      <Group gap="sm">
        <Text size="sm">
          We sent a link to {user.email}. Paper trading works now; live trading needs a verified email.
        </Text>
        <Button
          size="xs"
          variant="default"
          disabled={sent}
          onClick={() => void api('POST', '/auth/verify-email/request').then(() => setSent(true))}
        >
          {sent ? 'Link sent' : 'Send the link again'}
        </Button>
      </Group>
    </Alert>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const links = useLinks();
  const location = useLocation();
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { desktop: true, mobile: !opened } }}
      padding="md"
    >
      <a href="#main" className="pc-skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Anchor component={Link} to="/" fw={700} size="lg" underline="never">
              polycopy
            </Anchor>
            <Group gap={4} visibleFrom="sm" component="nav" aria-label="Main">
              {links.map((l) => (
                <Button
                  key={l.to}
                  component={Link}
                  to={l.to}
                  // Filled, not light: the light variant's hover shade under its blue text falls
                  // below 4.5:1 contrast while the pointer rests on the link just clicked (axe).
                  variant={location.pathname === l.to ? 'filled' : 'subtle'}
                  aria-current={location.pathname === l.to ? 'page' : undefined}
                  size="sm"
                >
                  {l.label}
                </Button>
              ))}
            </Group>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ThemeToggle />
            <SessionControls />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Menu">
        <Stack gap={2} component="nav" aria-label="Main (menu)">
          {links.map((l) => (
            <NavLink
              key={l.to}
              component={Link}
              to={l.to}
              label={l.label}
              active={location.pathname === l.to}
              onClick={close}
            />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <Container size="xl" px={0} id="main">
          <VerifyBanner />
          {children}
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
