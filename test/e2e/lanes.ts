// The e2e lanes: the same specs against the oldest VS Code the manifest accepts and against today's. scripts/e2e.sh
// runs the spec files once per lane with SWITCHBOARD_E2E_LANE set; a spec names the lanes it runs in with `lanes()`.
import os from 'node:os';
import path from 'node:path';

export type LaneId = '1.100' | '1.117';

export interface Lane {
  id: LaneId;
  codeServerVersion: string;
  /** What `entry` must be when SWITCHBOARD_CODE_SERVER_ENTRY is unset: the installer's default location. */
  defaultEntry: string;
  installer: string;
}

const CACHE = path.join(os.homedir(), '.cache/switchboard');

export const LANES: Readonly<Record<LaneId, Lane>> = {
  // code-server 4.100.3 on the Node running the tests (20): the LM provider API is absent there.
  '1.100': {
    id: '1.100',
    codeServerVersion: '4.100.3',
    defaultEntry: path.join(CACHE, 'code-server/node_modules/code-server/out/node/entry.js'),
    installer: 'scripts/install-code-server.sh',
  },
  // code-server 4.117.0 on Node 22 from the npm registry, through the launcher its installer writes.
  '1.117': {
    id: '1.117',
    codeServerVersion: '4.117.0',
    defaultEntry: path.join(CACHE, 'code-server-4.117.0/bin/code-server'),
    installer: 'scripts/install-code-server-current.sh',
  },
};

/** The lane this test process runs in: $SWITCHBOARD_E2E_LANE, else 1.100. */
export function currentLane(): Lane {
  const id = process.env.SWITCHBOARD_E2E_LANE ?? '1.100';
  if (!(id in LANES)) throw new Error(`SWITCHBOARD_E2E_LANE=${id} is not a lane; use one of ${Object.keys(LANES).join(', ')}.`);
  return LANES[id as LaneId];
}

/** `describe` options that skip a spec outside the given lanes: `describe('…', { ...lanes('1.117') }, …)`. */
export function lanes(...ids: LaneId[]): { skip: string | false } {
  const lane = currentLane().id;
  return { skip: ids.includes(lane) ? false : `runs in lane ${ids.join(', ')}, not ${lane}` };
}
