// Collaborators of the credential use cases.
import type { Clock } from '../auth/clock.ts';
import type { Db } from '../db/client.ts';
import type { MasterKey } from '../vault/master-key.ts';
import type { CredentialVerifier } from './credential-verifier.ts';

export interface VaultDeps {
  db: Db;
  clock: Clock;
  masterKey: MasterKey;
  credentialVerifier: CredentialVerifier;
}
