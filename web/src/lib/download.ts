// CSV downloads through the API client (the token goes in a header, so a plain link cannot carry
// it): the file is fetched, then handed to the browser as a blob.
import { request } from '../api/client';

export async function downloadCsv(
  path: string,
  query: Record<string, string | undefined>,
  filename: string,
): Promise<void> {
  const res = await request('GET', path, { query: { ...query, format: 'csv' } });
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
