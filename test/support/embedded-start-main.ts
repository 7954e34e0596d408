// A child process for the embedded start test: starts the embedded PostgreSQL on a folder and port
// given as arguments, prints {"url", "reused"} as one JSON line (its log lines go to stderr), and
// stops when stdin closes.
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

const [dataDir, port] = process.argv.slice(2);
try {
  const server = await startEmbeddedPostgres({
    dataDir: dataDir!,
    port: Number(port),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify({ url: server.url, reused: server.reused })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.stop().then(() => process.exit(0)));
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
  process.exit(1);
}
