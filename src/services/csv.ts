// CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they hold a comma, quote, CR or LF
// (quotes doubled). Text cells that a spreadsheet would run as a formula (starting with = + - @ tab
// or CR) are prefixed with a single quote (OWASP's CSV-injection advice); numeric cells are written
// as they are, so a negative amount stays a number.
export type CsvCell = string | number | null;

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvCell;
  /** Free text from outside (market names...): guarded against formula injection. */
  text?: boolean;
}

function cell(v: CsvCell, text: boolean): string {
  if (v === null) return '';
  let s = String(v);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => cell(c.header, false)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => cell(c.value(r), c.text ?? false)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
