// Test harness: the simulator, a real core over it (keyed, with a throw-away usage ledger) and the local gateway in front, started together and closed in reverse order.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../../sim/server';
import { parseConfig } from '../../../src/core/config/settings';
import { createCore, type Core } from '../../../src/core/createCore';
import { startLocalGateway, type LocalGateway, type LocalGatewayOptions } from '../../../src/gateway/server';

export interface GatewayHarness {
  sim: Sim;
  core: Core;
  gw: LocalGateway;
  /** The throw-away folder holding usage.jsonl; close() removes it. */
  dir: string;
  close(): Promise<void>;
}

export interface GatewayHarnessOptions {
  /** The only key the simulator accepts; the core gets it as switchboard.apiKey. */
  simKey: string;
  /** Prefix of the throw-away folder, e.g. `sb-codex-`. */
  dirPrefix: string;
  /** The settings, given the URL gateway.baseUrl points at (the simulator's, or `between`'s); they must parse with no problems. */
  settings: (upstreamUrl: string) => Record<string, unknown>;
  /** A hop between core and simulator (a recording proxy): started after the simulator, closed before it. */
  between?: (sim: Sim) => Promise<{ url: string; close(): Promise<void> }>;
  /** startLocalGateway's options besides the core (the port is any free one). */
  gateway?: Omit<LocalGatewayOptions, 'core' | 'port'>;
}

export async function startGatewayHarness(opts: GatewayHarnessOptions): Promise<GatewayHarness> {
  const sim = await startSim({ key: opts.simKey });
  const hop = await opts.between?.(sim);
  const dir = mkdtempSync(join(tmpdir(), opts.dirPrefix));
  const { config, problems } = parseConfig(opts.settings(hop?.url ?? sim.url));
  assert.deepEqual(problems, []);
  const core = await createCore({
    config,
    userSetBaseUrl: true,
    keys: async (n) => (n === 'switchboard.apiKey' ? opts.simKey : undefined),
    usageFile: join(dir, 'usage.jsonl'),
  });
  const gw = await startLocalGateway({ ...opts.gateway, core, port: 0 });
  return {
    sim,
    core,
    gw,
    dir,
    async close() {
      await gw.close();
      await core.flush();
      core.dispose();
      await hop?.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
