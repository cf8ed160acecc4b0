// One throw-away VS Code for a spec: the simulator as gateway, code-server with the packaged extension installed,
// Debian Chromium driven by playwright-core. Everything it starts is stopped by `close()`, also after a failure,
// and a failed step leaves a screenshot, the browser console and the VS Code logs under test/e2e/artifacts/.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSim } from '../sim/server';
import {
  codeServerEntry,
  installExtension,
  makeDirs,
  readSettings,
  readWorkspaceSettings,
  REPO_ROOT,
  startCodeServer,
  vsixPath,
  writeSettings,
  writeWorkspaceSettings,
  type CodeServerDirs,
  type RunningCodeServer,
} from './code-server';
import { currentLane } from './lanes';
import { freePort } from './processes';
import { scaled } from './wait';
import { Workbench } from './workbench';

/** One folder per lane, so both lanes' screenshots and logs survive a run. */
export const ARTIFACTS = path.join(__dirname, 'artifacts', currentLane().id);
const LM_CALLER_DIR = path.join(__dirname, 'lm-caller');
export const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'];
/** The extension's id (`publisher.name`), whose storage folders the secrecy check scans. */
export const EXTENSION_ID = 'switchboard-dev.switchboard';
const KEY_ENV = ['SWITCHBOARD_API_KEY', 'OPENAI_API_KEY'];

const run = promisify(execFile);

type Sim = Awaited<ReturnType<typeof startSim>>;

export interface InstanceOptions {
  /** Names the artifacts (`<name>.png`, `<name>-failure.png`, ...). */
  name: string;
  /** The key the simulator accepts. */
  simKey: string;
  /** Settings on top of the base ones and `switchboard.gateway.baseUrl` = the simulator. */
  settings?: Record<string, unknown>;
  /** The workspace's own `.vscode/settings.json`, written before VS Code starts (untrusted input, like a repo's). */
  workspaceSettings?: Record<string, unknown>;
  /** Puts the key into code-server's environment as SWITCHBOARD_API_KEY (otherwise no key is set anywhere). */
  keyInEnv?: boolean;
  /** A profile as a newcomer has it: VS Code's start-up editor, its walkthroughs-on-install and code-server's own
   * getting-started page stay on (the other specs turn them off so nothing covers the workbench). */
  firstRun?: boolean;
  /** Also installs the test-only extension test/e2e/lm-caller (another extension calling vscode.lm). */
  withLmCaller?: boolean;
}

export interface SecrecyReport {
  scanned: string[];
  leaks: string[];
}

export interface Instance {
  readonly name: string;
  readonly sim: Sim;
  readonly dirs: CodeServerDirs;
  readonly page: Page;
  readonly wb: Workbench;
  artifact(file: string): string;
  screenshot(label: string): Promise<string>;
  /** Runs `fn`; screenshots `<name>-<label>.png` on success, `-failure.png` plus logs on failure (and rethrows). */
  step<T>(label: string, fn: () => Promise<T>): Promise<T>;
  /** The user settings.json (written before start; the extension saves its own changes there). */
  readSettings(): Record<string, unknown>;
  readWorkspaceSettings(): Record<string, unknown>;
  /** Changes settings in the running VS Code through the workspace's .vscode/settings.json (watched). */
  writeWorkspaceSettings(patch: Record<string, unknown>): void;
  /** Files that must never hold the key: settings.json, every log, the extension's storage, code-server's output. */
  scanForSecret(secret: string): SecrecyReport;
  /** Stops code-server and starts it again on the same dirs and port, then reloads the page. */
  restartCodeServer(): Promise<void>;
  close(): Promise<void>;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Packages test/e2e/lm-caller into the artifacts folder (once per test process). */
let lmCallerVsix: Promise<string> | undefined;
function packageLmCaller(): Promise<string> {
  lmCallerVsix ??= (async () => {
    const out = path.join(ARTIFACTS, 'lm-caller.vsix');
    const vsce = path.join(REPO_ROOT, 'node_modules/.bin/vsce');
    await run(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out], { cwd: LM_CALLER_DIR, timeout: 180_000 });
    return out;
  })();
  return lmCallerVsix;
}

export async function startInstance(options: InstanceOptions): Promise<Instance> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const artifact = (file: string) => path.join(ARTIFACTS, file);
  const root = mkdtempSync(path.join(os.tmpdir(), `switchboard-e2e-${options.name}-`));
  const cleanups: Array<() => Promise<void> | void> = [];
  let browser: Browser | undefined;
  let server: RunningCodeServer | undefined;
  let page: Page | undefined;

  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`[e2e ${options.name}] cleanup failed:`, error);
      }
    }
  };

  try {
    const sim = await startSim({ key: options.simKey });
    cleanups.push(() => sim.close());
    cleanups.push(() => {
      if (process.env.SWITCHBOARD_E2E_KEEP !== '1') rmSync(root, { recursive: true, force: true });
      else console.log(`[e2e ${options.name}] kept ${root}`);
    });

    const entry = codeServerEntry();
    const dirs = makeDirs(root);
    await installExtension({ entry, dirs, vsix: vsixPath() });
    if (options.withLmCaller) await installExtension({ entry, dirs, vsix: await packageLmCaller() });
    const newcomer = options.firstRun ? { 'workbench.startupEditor': undefined, 'workbench.welcomePage.walkthroughs.openOnInstall': undefined } : {};
    writeSettings(dirs, { 'switchboard.gateway.baseUrl': sim.url, ...newcomer, ...options.settings });
    if (options.workspaceSettings) writeWorkspaceSettings(dirs, options.workspaceSettings);

    const serverLog = artifact(`${options.name}-code-server.log`);
    writeFileSync(serverLog, '');
    const port = await freePort();
    const launch = () =>
      startCodeServer({
        entry,
        dirs,
        port,
        env: options.keyInEnv ? { SWITCHBOARD_API_KEY: options.simKey } : {},
        unsetEnv: options.keyInEnv ? ['OPENAI_API_KEY'] : KEY_ENV,
        logFile: serverLog,
        gettingStartedOverride: options.firstRun === true,
      });
    server = await launch();
    cleanups.push(() => server?.process.stop());

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: scaled(60_000) });
    const openBrowser = browser;
    cleanups.push(() => openBrowser.close());
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(scaled(30_000));
    const consoleLog: string[] = [];
    page.on('console', (m) => consoleLog.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLog.push(`[pageerror] ${e.message}`));
    cleanups.push(() => writeFileSync(artifact(`${options.name}-console.log`), consoleLog.join('\n') + '\n'));

    await page.goto(`${server.url}?folder=${encodeURIComponent(dirs.workspace)}`, { timeout: scaled(120_000) });
    const wb = new Workbench(page);
    await wb.ready();
    const openPage = page;

    const screenshot = async (label: string) => {
      const file = artifact(`${options.name}-${label}.png`);
      await openPage.screenshot({ path: file, timeout: scaled(30_000) }).catch((e: Error) => console.error(`screenshot ${file}: ${e.message}`));
      return file;
    };

    const instance: Instance = {
      name: options.name,
      sim,
      dirs,
      page: openPage,
      wb,
      artifact,
      screenshot,
      async step(label, fn) {
        try {
          const result = await fn();
          await screenshot(label);
          return result;
        } catch (error) {
          await screenshot(`${label}-failure`);
          writeFileSync(artifact(`${options.name}-${label}-frames.txt`), await wb.describeFrames().catch((e: Error) => e.message));
          if (existsSync(dirs.logsDir)) cpSync(dirs.logsDir, artifact(`${options.name}-logs`), { recursive: true });
          throw error;
        }
      },
      readSettings: () => readSettings(dirs),
      readWorkspaceSettings: () => readWorkspaceSettings(dirs),
      writeWorkspaceSettings: (patch) => writeWorkspaceSettings(dirs, patch),
      scanForSecret(secret) {
        const storage = path.join(dirs.userDataDir, 'User');
        const files = [
          dirs.settingsFile,
          ...listFiles(dirs.logsDir),
          ...listFiles(path.join(storage, 'globalStorage', EXTENSION_ID)),
          ...listFiles(path.join(storage, 'workspaceStorage')).filter((f) => f.includes(EXTENSION_ID)),
          ...listFiles(path.join(dirs.workspace, '.vscode')),
          serverLog,
        ].filter((f) => existsSync(f));
        const leaks = files.filter((f) => readFileSync(f).includes(secret));
        return { scanned: files, leaks };
      },
      async restartCodeServer() {
        await server?.process.stop();
        server = await launch();
        await openPage.goto(`${server.url}?folder=${encodeURIComponent(dirs.workspace)}`, { timeout: scaled(120_000) });
        await wb.ready();
      },
      close,
    };
    return instance;
  } catch (error) {
    if (page) {
      await page.screenshot({ path: artifact(`${options.name}-startup-failure.png`) }).catch(() => undefined);
    }
    await close();
    throw error;
  }
}
