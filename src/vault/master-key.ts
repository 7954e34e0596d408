// The vault's master key: 32 bytes that wrap every record's data key. From POLYCOPY_MASTER_KEY;
// outside production, when unset, generated once into POLYCOPY_DATA_DIR/master.key (mode 0600) so a
// fresh machine runs without setup. The bytes are held privately and never serialised or printed.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { Logger } from '../observability/logger.ts';

export class MasterKey {
  readonly #bytes: Buffer;
  /** A fingerprint naming the key in the database (master_key_id); reveals nothing about it. */
  readonly id: string;

  constructor(bytes: Buffer) {
    if (bytes.length !== 32) throw new RangeError('the master key must be exactly 32 bytes');
    this.#bytes = Buffer.from(bytes);
    this.id = createHash('sha256')
      .update('polycopy-master-key-id\0')
      .update(this.#bytes)
      .digest('hex')
      .slice(0, 32);
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(32));
  }

  static fromBase64(value: string): MasterKey {
    const trimmed = value.trim();
    if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) {
      throw new RangeError('the master key must be 32 bytes, base64-encoded');
    }
    return new MasterKey(Buffer.from(trimmed, 'base64'));
  }

  /** The raw key, for the cipher only. */
  bytes(): Buffer {
    return this.#bytes;
  }

  toBase64(): string {
    return this.#bytes.toString('base64');
  }

  toJSON(): string {
    return `[MasterKey ${this.id}]`;
  }

  toString(): string {
    return `[MasterKey ${this.id}]`;
  }

  [inspect.custom](): string {
    return `[MasterKey ${this.id}]`;
  }
}

export function masterKeyFile(dataDir: string): string {
  return join(dataDir, 'master.key');
}

/** Writes a key file readable by its owner only. */
export async function writeKeyFile(path: string, key: MasterKey): Promise<void> {
  await writeFile(path, key.toBase64() + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
}

export async function readKeyFile(path: string): Promise<MasterKey> {
  return MasterKey.fromBase64(await readFile(path, 'utf8'));
}

export async function resolveMasterKey(
  opts: { configured: string | undefined; nodeEnv: string; dataDir: string },
  logger: Logger,
): Promise<MasterKey> {
  if (opts.configured) return MasterKey.fromBase64(opts.configured);
  if (opts.nodeEnv === 'production') throw new Error('POLYCOPY_MASTER_KEY is required in production');
  const path = masterKeyFile(opts.dataDir);
  try {
    return await readKeyFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(opts.dataDir, { recursive: true });
  try {
    await writeKeyFile(path, MasterKey.generate());
    logger.warn(
      { path },
      'POLYCOPY_MASTER_KEY is not set: generated a master key for this machine. Back it up; set POLYCOPY_MASTER_KEY in production',
    );
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readKeyFile(path);
}
