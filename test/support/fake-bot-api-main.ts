// The fake Bot API as a process, for trying the bot by hand (docs/telegram.md "Trying it without
// Telegram"): node bin/run-ts.mjs test/support/fake-bot-api-main.ts --port 8450 --token <token>
// Control endpoints (JSON bodies):
//   POST /_fake/send     {userId, text, name?, username?}  a user sends a message or command
//   POST /_fake/press    {userId, label}                   a user presses the newest button with that label
//   POST /_fake/sticker  {userId}                          a user sends a sticker
//   POST /_fake/block    {userId}  /_fake/unblock          the user blocks / unblocks the bot
//   POST /_fake/faults   {rateLimit?, drop?, serverError?} inject 429s, dropped connections, 502s
//   GET  /_fake/messages?userId=…                          the chat as the user sees it
import { FakeBotApi } from './fake-bot-api.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};

const fake = new FakeBotApi({
  token: arg('token', '123456789:AAE_local-fake-token-0123456789'),
  botUsername: arg('username', 'polycopy_local_bot'),
});
const url = await fake.start(Number(arg('port', '8450')));
process.stdout.write(`fake Bot API on ${url} (control: ${url}/_fake/...)\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
