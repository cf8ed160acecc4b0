// Real network components for the proxy / private-CA tests, made and started by the test on loopback: a CA and
// server certificates from `openssl` (good, expired, wrong host), and Debian's tinyproxy (open, or with a login).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/freePort';

export const hasTinyproxy = (() => {
  try {
    execFileSync('tinyproxy', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
export const NO_TINYPROXY = 'tinyproxy is not installed (scripts/apt-deps.sh installs it)';

/**
 * This machine's first non-loopback IPv4 address. An upstream that a test reaches through a proxy listens here:
 * loopback always goes direct (a proxy's "localhost" is its own machine).
 */
export const LAN_ADDRESS: string | undefined = Object.values(networkInterfaces())
  .flat()
  .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
export const NO_LAN_ADDRESS = 'this machine has no non-loopback IPv4 address for an upstream reached through a proxy';

export interface Certs {
  dir: string;
  caFile: string;
  ca: string;
  key: string;
  /** For 127.0.0.1, localhost and LAN_ADDRESS, valid today. */
  good: string;
  /** Same names, expired yesterday. */
  expired: string;
  /** Valid, but for wrong.example only. */
  wrongHost: string;
}

export function makeCerts(): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'sb-certs-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Switchboard Test CA/O=Switchboard Tests');
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  const sign = (out: string, days: string, names: string) => {
    writeFileSync(join(dir, `${out}.ext`), `subjectAltName=${names}\nbasicConstraints=CA:FALSE\n`);
    run(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${out}.pem`,
      '-days',
      days,
      '-extfile',
      `${out}.ext`,
    );
    return readFileSync(join(dir, `${out}.pem`), 'utf8');
  };
  const loopback = `IP:127.0.0.1,DNS:localhost${LAN_ADDRESS ? `,IP:${LAN_ADDRESS}` : ''}`;
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    good: sign('good', '2', loopback),
    expired: sign('expired', '-1', loopback),
    wrongHost: sign('wrong', '2', 'DNS:wrong.example'),
  };
}

export { freePort };

export interface Tinyproxy {
  /** http://127.0.0.1:PORT (no credentials). */
  url: string;
  /** With the login when one is required. */
  urlWithLogin: string;
  port: number;
  /** The proxy's log so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts tinyproxy in the foreground on a free loopback port; `login` makes it require Basic credentials. */
export async function startTinyproxy(login?: { user: string; password: string }): Promise<Tinyproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-tinyproxy-'));
  chmodSync(dir, 0o777); // as root, tinyproxy drops to an unprivileged user that must write the log
  const port = await freePort();
  const logFile = join(dir, 'proxy.log');
  const conf = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    'MaxClients 50',
    'Allow 127.0.0.1',
    ...(login ? [`BasicAuth ${login.user} ${login.password}`] : []),
  ].join('\n');
  writeFileSync(join(dir, 'tinyproxy.conf'), conf + '\n');
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForListening(port, () => (child.exitCode !== null ? `tinyproxy exited: ${stderr}` : undefined));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    urlWithLogin: login ? `http://${login.user}:${encodeURIComponent(login.password)}@127.0.0.1:${port}` : url,
    port,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForListening(port: number, failed: () => string | undefined): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 200; i++) {
    const problem = failed();
    if (problem) throw new Error(problem);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`tinyproxy did not listen on ${port}`);
}
