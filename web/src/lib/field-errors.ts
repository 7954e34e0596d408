// The API's validation messages next to the fields they name: "body.fixedAmountUsd: must be…"
// (one issue per "; "), or a rule across settings that names them ("fixedAmountUsd must not
// exceed maxInvestmentPerTradeUsd" lands on the first field it names). The rest is form-level.
// Requests that nest the fields (POST /presets: "body.settings.fixedAmountUsd: …") name the paths
// to look under, innermost first.
import { ApiError } from '../api/client';

export interface FieldErrors {
  fields: Record<string, string>;
  form: string | null;
}

export function fieldErrors(
  error: unknown,
  fields: readonly string[],
  paths: readonly string[] = ['body'],
): FieldErrors {
  if (!(error instanceof ApiError))
    return { fields: {}, form: error instanceof Error ? error.message : 'Something went wrong.' };
  const out: FieldErrors = { fields: {}, form: null };
  const rest: string[] = [];
  const pathPattern = paths.map((p) => p.replace(/\./g, '\\.')).join('|');
  const fieldPattern = new RegExp(`^(?:${pathPattern})\\.([A-Za-z]+)(?:\\.\\d+)?: (.*)$`);
  for (const part of error.message.split('; ')) {
    const m = fieldPattern.exec(part);
    if (m && fields.includes(m[1]!)) {
      out.fields[m[1]!] ??= m[2]!;
      continue;
    }
    const named = fields
      .map((f) => ({ f, at: part.search(new RegExp(`\\b${f}\\b`)) }))
      .filter((x) => x.at >= 0)
      .sort((a, b) => a.at - b.at)[0];
    if (named && error.status === 400) out.fields[named.f] ??= part;
    else rest.push(part);
  }
  if (rest.length) out.form = rest.join('; ');
  return out;
}
