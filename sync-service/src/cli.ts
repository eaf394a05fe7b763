// `npm run -s sync-service -- serve --config <file>`
import { parseArgs } from 'node:util';
import { ConfigError, loadServiceConfig } from './config.ts';
import { startServer } from './server.ts';

const usage = 'usage: sync-service serve --config <file>';
const [command, ...rest] = process.argv.slice(2);
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
  const server = await startServer(loadServiceConfig(configFile));
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : `sync-service failed to start: ${(e as Error).message}`);
  process.exit(1);
}
