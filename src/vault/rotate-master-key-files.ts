// Master key rotation around the key files, so a crash at any point loses no key:
//   1. the new key is written first (0600), next to where it will live;
//   2. every data key is re-wrapped in one transaction (rotateMasterKey);
//   3. only then is the new key installed (an atomic rename over the data-folder key), or, for a
//      key given in POLYCOPY_MASTER_KEY, the operator is told to install it.
// A re-run after a crash between 2 and 3 finds the records already under the new key and only
// installs it.
import { readFile, rename } from 'node:fs/promises';
import type { Db } from '../db/client.ts';
import { masterKeyFile, MasterKey, readKeyFile, writeKeyFile } from './master-key.ts';
import { rotateMasterKey, type RotationResult } from './rotate-master-key.ts';

export interface RotationPlan {
  /** The key in use: from POLYCOPY_MASTER_KEY, or the data folder's master.key. */
  configured: string | undefined;
  dataDir: string;
  /** Read the new key from this file instead of generating one. */
  newKeyFile?: string;
  /** Where to write a generated key when the current one comes from the environment. */
  outFile?: string;
}

export interface RotationOutcome extends RotationResult {
  from: string;
  to: string;
  /** Where the new key is now; for an environment key, what the operator must install. */
  keyFile: string;
  installed: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch {
    return false;
  }
}

export async function rotateMasterKeyWithFiles(db: Db, plan: RotationPlan): Promise<RotationOutcome> {
  if (plan.configured !== undefined) {
    const current = MasterKey.fromBase64(plan.configured);
    let next: MasterKey;
    let keyFile: string;
    if (plan.newKeyFile) {
      next = await readKeyFile(plan.newKeyFile);
      keyFile = plan.newKeyFile;
    } else {
      if (!plan.outFile)
        throw new Error('--out <file> is required when POLYCOPY_MASTER_KEY holds the current key');
      keyFile = plan.outFile;
      next = await readOrCreate(keyFile, undefined);
    }
    const result = await rotateMasterKey(db, current, next);
    return { ...result, from: current.id, to: next.id, keyFile, installed: false };
  }
  const currentFile = masterKeyFile(plan.dataDir);
  const nextFile = `${currentFile}.next`;
  const current = await readKeyFile(currentFile);
  const wanted = plan.newKeyFile ? await readKeyFile(plan.newKeyFile) : undefined;
  const next = await readOrCreate(nextFile, wanted);
  const result = await rotateMasterKey(db, current, next);
  await rename(nextFile, currentFile);
  return { ...result, from: current.id, to: next.id, keyFile: currentFile, installed: true };
}

/** The key at `path` if a previous, interrupted rotation left one (records may already use it);
 *  otherwise `wanted` (or a new key) written there first. */
async function readOrCreate(path: string, wanted: MasterKey | undefined): Promise<MasterKey> {
  if (await exists(path)) {
    const left = await readKeyFile(path);
    if (wanted && wanted.id !== left.id) {
      throw new Error(`${path} holds another key from an interrupted rotation; finish that rotation first`);
    }
    return left;
  }
  const key = wanted ?? MasterKey.generate();
  await writeKeyFile(path, key);
  return key;
}
