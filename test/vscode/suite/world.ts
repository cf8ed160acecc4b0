// The extension-host suite's shared state: where the runner put the throw-away profile (from the environment, see
// ../contract.ts), the simulator this suite starts on the port the user settings point the gateway at, and the key
// the tests give Set API Key (the simulator accepts no other).
import { randomBytes } from 'node:crypto';
import { startSim, type Sim } from '../../sim/server';
import { SUITE_ENV } from '../contract';

export interface World {
  sim: Sim;
  key: string;
  userDataDir: string;
  workspace: string;
}

function fromRunner(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the suite with npm run test:vscode (test/vscode/run.ts sets it).`);
  return value;
}

export async function openWorld(): Promise<World> {
  const key = `sk-vscode-suite-${randomBytes(12).toString('hex')}`;
  const sim = await startSim({ host: '127.0.0.1', port: Number(fromRunner(SUITE_ENV.simPort)), key });
  return { sim, key, userDataDir: fromRunner(SUITE_ENV.userDataDir), workspace: fromRunner(SUITE_ENV.workspace) };
}
