// Signed-in sessions, with revoke (the current one is marked; revoking it signs this browser out).
import { Badge, Button, Table } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Session } from '../../api/types';
import { ErrorState, Loading } from '../../components/states';
import { when } from '../../lib/format';

export function SessionsPanel() {
  const qc = useQueryClient();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => api<{ sessions: Session[] }>('GET', '/auth/sessions'),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api('DELETE', `/auth/sessions/${id}`),
    onSettled: () => qc.invalidateQueries({ queryKey: ['sessions'] }),
  });
  if (sessions.isPending) return <Loading label="Loading sessions" />;
  if (sessions.isError) return <ErrorState error={sessions.error} retry={() => void sessions.refetch()} />;
  return (
    <div className="pc-table-wrap">
      <Table aria-label="Sessions" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Device</Table.Th>
            <Table.Th>Address</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Action</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sessions.data.sessions.map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>
                {s.userAgent?.slice(0, 60) ?? 'unknown'}{' '}
                {s.current && <Badge variant="light">this browser</Badge>}
              </Table.Td>
              <Table.Td>{s.ip ?? '—'}</Table.Td>
              <Table.Td className="pc-nowrap">{when(s.lastUsedAt)}</Table.Td>
              <Table.Td>
                {!s.current && (
                  <Button
                    size="compact-sm"
                    variant="light"
                    color="red"
                    loading={revoke.isPending && revoke.variables === s.id}
                    onClick={() => revoke.mutate(s.id)}
                  >
                    Revoke
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
