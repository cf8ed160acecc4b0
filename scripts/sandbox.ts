// The sandbox behind `npm run sandbox`: the simulator (with its own random key) as the gateway, code-server on
// 127.0.0.1:$PORT with the packaged extension installed and SWITCHBOARD_API_KEY in its environment, a workspace
// with a sample file. Everything lives in .switchboard-tmp/sandbox and is stopped on Ctrl+C.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startSim } from '../test/sim/server';
import { REPO_ROOT, codeServerEntry, installExtension, makeDirs, startCodeServer, vsixPath, writeSettings } from '../test/e2e/code-server';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT=${process.env.PORT} is not a port number (1-65535).`);
  const root = path.join(REPO_ROOT, '.switchboard-tmp', 'sandbox');
  rmSync(root, { recursive: true, force: true });
  const dirs = makeDirs(root);

  const key = `sk-sandbox-${randomBytes(12).toString('hex')}`;
  const sim = await startSim({ key });
  const entry = codeServerEntry();
  console.log('Installing the extension into a throw-away code-server profile...');
  await installExtension({ entry, dirs, vsix: vsixPath() });
  writeSettings(dirs, { 'switchboard.gateway.baseUrl': sim.url });
  const server = await startCodeServer({
    entry,
    dirs,
    port,
    env: { SWITCHBOARD_API_KEY: key },
    unsetEnv: ['OPENAI_API_KEY'],
    logFile: path.join(root, 'code-server.log'),
  }).catch(async (error: unknown) => {
    await sim.close();
    throw error;
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server and the simulator...');
    await server.process.stop();
    await sim.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  void server.process.exited().then(() => {
    if (!stopping) {
      console.error(`code-server exited unexpectedly; see ${path.join(root, 'code-server.log')}`);
      void stop(1);
    }
  });

  console.log(`
Switchboard sandbox is running.
  Open:       ${server.url}?folder=${encodeURIComponent(dirs.workspace)}
  Gateway:    ${sim.url} (the provider simulator; try the models sim/echo, sim/lorem?tokens=500&chunkMs=20, sim/fail?status=503)
  Key:        a throw-away key in code-server's environment (SWITCHBOARD_API_KEY); nothing to set up
  Files:      ${root}
Press Ctrl+C to stop.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
