// Where the extension-host suite's VS Code comes from: a desktop VS Code already installed
// (SWITCHBOARD_VSCODE_EXECUTABLE, passed to @vscode/test-electron as vscodeExecutablePath), or a download by
// @vscode/test-electron into the cache (SWITCHBOARD_VSCODE_VERSION, default `stable`; SWITCHBOARD_VSCODE_CACHE,
// default .vscode-test). When neither works it answers with ONE line saying why and what to do instead, which the
// runner prints in place of a stack trace. Download failures are quick: an unknown host or a refused connection fails
// at once, and a silent network gives up after DOWNLOAD_TIMEOUT_MS without data.
import { existsSync } from 'node:fs';
import { downloadAndUnzipVSCode, ProgressReportStage, type ProgressReport, type ProgressReporter } from '@vscode/test-electron';

export const EXECUTABLE_ENV = 'SWITCHBOARD_VSCODE_EXECUTABLE';
export const VERSION_ENV = 'SWITCHBOARD_VSCODE_VERSION';
export const CACHE_ENV = 'SWITCHBOARD_VSCODE_CACHE';

/** test-electron's request timeout: how long a connection may stay silent (it is reset by every chunk received). */
const DOWNLOAD_TIMEOUT_MS = 10_000;

const HOW_TO_USE_LOCAL =
  `point it at an installed desktop VS Code instead: ${EXECUTABLE_ENV}=/path/to/code npm run test:vscode ` +
  '(its Electron executable, e.g. /usr/share/code/code; see test/vscode/README.md)';

export type VsCodeSource = { executable: string } | { stop: string };

/** One line of text from whatever test-electron threw (it throws strings too). */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim() || 'no reason given';
}

/** Says what it found or downloaded, one line each; download failures are reported by the caller. */
const reporter: ProgressReporter = {
  report(report: ProgressReport) {
    if (report.stage === ProgressReportStage.ResolvedVersion) console.log(`test:vscode: VS Code ${report.version}`);
    else if (report.stage === ProgressReportStage.NewInstallComplete) console.log(`test:vscode: downloaded into ${report.downloadedPath}`);
    else if (report.stage === ProgressReportStage.FoundMatchingInstall) console.log(`test:vscode: using ${report.downloadedPath}`);
  },
  error() {},
};

export async function resolveVsCode(options: { env: NodeJS.ProcessEnv; defaultCachePath: string }): Promise<VsCodeSource> {
  const { env } = options;
  const local = env[EXECUTABLE_ENV];
  if (local) {
    return existsSync(local)
      ? { executable: local }
      : {
          stop: `test:vscode: ${EXECUTABLE_ENV} is ${local}, which does not exist; set it to the VS Code executable (e.g. /usr/share/code/code), or unset it to download VS Code.`,
        };
  }
  const version = env[VERSION_ENV] || 'stable';
  try {
    const executable = await downloadAndUnzipVSCode({ version, cachePath: env[CACHE_ENV] || options.defaultCachePath, timeout: DOWNLOAD_TIMEOUT_MS, reporter });
    return { executable };
  } catch (error) {
    return { stop: `test:vscode: cannot download VS Code ${version} (${oneLine(error)}); ${HOW_TO_USE_LOCAL}.` };
  }
}
