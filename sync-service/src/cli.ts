// `npm run -s sync-service -- serve --config <file>`
import { parseArgs } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { ConfigError, loadServiceConfig } from './config.ts';
import { AlreadyRunningError } from './lock.ts';
import { startServer, StartError } from './server.ts';

const usage = 'usage: sync-service serve --config <file>\n       sync-service operator-token   (a new operator token and the token_sha256 for the config)';
const [command, ...rest] = process.argv.slice(2);
if (command === 'operator-token') {
  const token = randomBytes(32).toString('base64url');
  console.log(JSON.stringify({ token, token_sha256: createHash('sha256').update(token).digest('hex') }));
  process.exit(0);
}
if (command !== 'serve') {
  console.error(command ? `unknown command "${command}"\n${usage}` : usage);
  process.exit(2);
}
let configFile: string | undefined;
try {
  configFile = parseArgs({ args: rest, options: { config: { type: 'string' } } }).values.config;
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
if (!configFile) {
  console.error(`missing --config\n${usage}`);
  process.exit(2);
}
try {
  const server = await startServer(loadServiceConfig(configFile), configFile);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  const known = e instanceof ConfigError || e instanceof AlreadyRunningError || e instanceof StartError;
  console.error(known ? `sync-service: ${e.message}` : `sync-service failed to start: ${(e as Error).message}`);
  process.exit(1);
}
