// Starts the real @portkey-ai/gateway (a dev dependency) on loopback for tests and benchmarks, waits until it
// answers, and stops it again. See ../shared/tools/README.md § "Portkey gateway as a local peer".
import { join } from 'node:path';
import { freePort } from './freePort';
import { startPeerProcess } from './peerProcess';

export interface PortkeyProcess {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  port: number;
  pid: number;
  /** Everything it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const START_SCRIPT = join(__dirname, '..', '..', 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

export async function startPortkey(opts: { readyTimeoutMs?: number } = {}): Promise<PortkeyProcess> {
  const port = await freePort();
  const peer = await startPeerProcess({
    name: 'Portkey',
    args: [START_SCRIPT, `--port=${port}`, '--headless'],
    port,
    readyTimeoutMs: opts.readyTimeoutMs,
    ready: (answer) => answer.ok,
  });
  return { url: `http://127.0.0.1:${port}/v1`, port, ...peer };
}
