// `polycopy vault rotate-master-key`: re-wraps every stored credential's data key under a new
// master key (docs/security.md, "Key rotation").
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { rotateMasterKeyWithFiles } from '../vault/rotate-master-key-files.ts';
import { withDatabase } from './with-database.ts';

export function registerVaultCommands(program: Command, config: () => Config): void {
  const vault = program.command('vault').description('the credentials vault');

  vault
    .command('rotate-master-key')
    .description(
      're-wrap every data key under a new master key (generated, or read from --new-key-file). With a ' +
        'data-folder key the new key replaces it; with POLYCOPY_MASTER_KEY the new key is written to --out ' +
        'and must then be installed in the environment of every process',
    )
    .option('--new-key-file <path>', 'the new key (32 bytes, base64) instead of a generated one')
    .option('--out <path>', 'where to write the generated key when POLYCOPY_MASTER_KEY holds the current one')
    .action(async (opts: { newKeyFile?: string; out?: string }) => {
      const c = config();
      if (c.vault.masterKey && !opts.newKeyFile && !opts.out) {
        process.stderr.write('POLYCOPY_MASTER_KEY is set: give --out <file> (or --new-key-file <file>)\n');
        process.exit(2);
      }
      const outcome = await withDatabase(c, ({ db }) =>
        rotateMasterKeyWithFiles(db, {
          configured: c.vault.masterKey,
          dataDir: c.dataDir,
          ...(opts.newKeyFile ? { newKeyFile: opts.newKeyFile } : {}),
          ...(opts.out ? { outFile: opts.out } : {}),
        }),
      );
      console.log(
        `re-wrapped ${outcome.rewrapped} data key(s) (${outcome.alreadyCurrent} already current): ` +
          `master key ${outcome.from} -> ${outcome.to}`,
      );
      if (outcome.installed) console.log(`new master key installed at ${outcome.keyFile}`);
      else {
        console.log(
          `new master key written to ${outcome.keyFile}: set POLYCOPY_MASTER_KEY to its contents and restart ` +
            'every polycopy process now (the old key no longer decrypts anything); then delete the file',
        );
      }
    });
}
