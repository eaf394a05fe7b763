// `npm run -s issuer -- <command>`: the demo issuer standing in for the provincial platform
// (its commands in run.ts).
import { runIssuer } from './run.ts';

process.exitCode = await runIssuer(process.argv.slice(2));
