// "Download CSV" for a list the API can answer as text/csv (format=csv): busy while the file is
// fetched, and the API's refusal shown next to the button instead of failing silently.
import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { downloadCsv } from '../lib/download';
import { errorText } from './states';

export function DownloadCsvButton({
  path,
  query,
  filename,
}: {
  path: string;
  query: Record<string, string | undefined>;
  filename: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      await downloadCsv(path, query, filename);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Group gap="xs">
      {error !== null && (
        <Text size="sm" c="red" role="alert">
          Download failed: {errorText(error)}
        </Text>
      )}
      <Button variant="default" size="xs" loading={busy} onClick={() => void run()}>
        Download CSV
      </Button>
    </Group>
  );
}
