// How operator commands end: the result printed on stdout (or as JSON), a refusal as one clear line
// on stderr with exit code 1 (an AppError's message says what to do), anything else as a crash.
import { AppError } from '../services/app-error.ts';

export async function runAction<T>(
  action: () => Promise<T>,
  print: (result: T) => string,
  opts: { json?: boolean | undefined } = {},
): Promise<void> {
  try {
    const result = await action();
    process.stdout.write(`${opts.json ? JSON.stringify(result) : print(result)}\n`);
  } catch (err) {
    if (err instanceof AppError) {
      process.stderr.write(`refused (${err.code}): ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}

/** A queue row id argument: a positive integer (commander reports the error and exits 1). */
export function queueId(v: string): string {
  if (!/^[1-9]\d{0,18}$/.test(v) || BigInt(v) > 9_223_372_036_854_775_807n)
    throw new Error(`not a queue row id: ${JSON.stringify(v)} (a positive integer)`);
  return v;
}
