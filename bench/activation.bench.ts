// Start-up cost of the extension: size of the minified dist/extension.js and the time to require it and run
// activate() under a stubbed `vscode` module, each sample in a fresh Node process (cold module cache), with Node's
// built-in modules that VS Code's extension host has already loaded preloaded (and, for reference, without).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import type { BenchOptions } from './run';

const ROOT = join(__dirname, '..');

// Runs in the child: a deep Proxy stands in for every vscode API (callable, constructible, awaitable as undefined).
const CHILD = `
const Module = require('module');
const stub = () => {
  const cache = new Map();
  const p = new Proxy(function () {}, {
    get(_t, k) {
      if (k === 'then') return (resolve) => resolve && resolve(undefined);
      if (k === Symbol.toPrimitive) return () => '';
      if (k === Symbol.iterator) return function* () {};
      if (!cache.has(k)) cache.set(k, stub());
      return cache.get(k);
    },
    set(_t, k, v) { cache.set(k, v); return true; },
    apply() { return stub(); },
    construct() { return stub(); },
  });
  return p;
};
// esbuild's __toESM copies own properties and keeps the prototype: so the module is an object whose prototype
// answers every property with a stub.
const top = new Map();
const vscode = Object.create(new Proxy({}, { get(_t, k) { if (k === 'then' || k === '__esModule') return undefined; if (!top.has(k)) top.set(k, stub()); return top.get(k); } }));
// VS Code 1.100–1.103 have no language-model provider API (the stub would answer it as a function).
if (process.argv[6] === 'no-lm') vscode.lm = undefined;
// Settings as on a fresh install: nothing set.
vscode.workspace.getConfiguration = () => ({ inspect: () => undefined, get: (_k, d) => d, update: async () => {} });
const orig = Module._load;
Module._load = function (req, ...rest) { return req === 'vscode' ? vscode : orig.call(this, req, ...rest); };
// Not the first run (which opens the walkthrough and so loads everything at once): the manifest as shipped.
const ctx = { subscriptions: [], extensionUri: vscode.Uri, globalStorageUri: { fsPath: '/tmp' },
  extension: { id: 'switchboard-dev.switchboard', packageJSON: require(process.argv[4]) }, environmentVariableCollection: stub(),
  secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) },
  globalState: { get: (k, d) => (k === 'switchboard.welcomed' ? true : d), update: async () => {}, keys: () => [] }, workspaceState: { get: (_k, d) => d, update: async () => {}, keys: () => [] } };
// VS Code's extension host has already loaded Node's networking and crypto modules (its proxy support patches
// http/https at start-up), so a require of them from the extension is a cache hit there: preload them here too.
if (process.argv[3] === 'warm') for (const m of ['node:http', 'node:https', 'node:crypto', 'node:fs/promises', 'node:path']) require(m);
const t0 = performance.now();
const ext = require(process.argv[2]);
const t1 = performance.now();
ext.activate(ctx);
const t2 = performance.now();
// The cost that moved: the first use of any command, the chat view or the participant loads the rest (dist/features.js)
// and activates it, as boot.ts does.
const features = require(process.argv[5]);
features.activateFeatures(ctx, { status: vscode.window.createStatusBarItem() });
const t3 = performance.now();
process.stdout.write(JSON.stringify({ require: t1 - t0, activate: t2 - t1, features: t3 - t2 }));
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function activation(opts: BenchOptions): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-activation-'));
  try {
    // The same options as the shipped build (esbuild.js), minified.
    const { extensionBuild, featuresBuild } = require(join(ROOT, 'esbuild.js')) as Record<'extensionBuild' | 'featuresBuild', (outdir: string) => BuildOptions>;
    await build({ ...extensionBuild(dir), absWorkingDir: ROOT, logLevel: 'silent' });
    await build({ ...featuresBuild(dir), absWorkingDir: ROOT, logLevel: 'silent' });
    const file = join(dir, 'extension.js');
    const featuresFile = join(dir, 'features.js');
    const child = join(dir, 'child.js');
    writeFileSync(child, CHILD);
    const samples = opts.quick ? 5 : 15;
    const requireMs: number[] = [];
    const activateMs: number[] = [];
    const coldTotal: number[] = [];
    const noLmTotal: number[] = [];
    const featuresMs: number[] = [];
    // Interleaved: VS Code 1.104+ (a language-model provider registered at start-up), the same in a bare process,
    // and VS Code 1.100–1.103 (no such API).
    const runs = [
      ['warm', 'lm'],
      ['cold', 'lm'],
      ['warm', 'no-lm'],
    ] as const;
    for (let i = 0; i < samples * runs.length; i++) {
      const [mode, api] = runs[i % runs.length];
      let stdout: string;
      try {
        stdout = execFileSync(process.execPath, [child, file, mode, join(ROOT, 'package.json'), featuresFile, api], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        const stderr = String((e as { stderr?: unknown }).stderr ?? '');
        throw new Error(
          `activate() failed under the stub: ${
            stderr
              .split('\n')
              .filter((l) => /Error/.test(l))
              .slice(-1)[0] ?? stderr.slice(-300)
          }`,
        );
      }
      const out = JSON.parse(stdout) as { require: number; activate: number; features: number };
      if (mode === 'cold') {
        coldTotal.push(out.require + out.activate);
        continue;
      }
      featuresMs.push(out.features);
      if (api === 'no-lm') {
        noLmTotal.push(out.require + out.activate);
        continue;
      }
      requireMs.push(out.require);
      activateMs.push(out.activate);
    }
    const total = requireMs.map((r, i) => r + activateMs[i]);
    return {
      extensionJsBytes: statSync(file).size,
      extensionJsKB: Math.round(statSync(file).size / 1024),
      requireMsMedian: +median(requireMs).toFixed(2),
      activateMsMedian: +median(activateMs).toFixed(2),
      requirePlusActivateMsMedian: +median(total).toFixed(2),
      // VS Code 1.100–1.103: no language-model provider to register.
      requirePlusActivateMsMedianBefore1_104: +median(noLmTotal).toFixed(2),
      // The same in a bare Node process that must also load http/https/crypto/fs itself (an upper bound).
      coldProcessRequirePlusActivateMsMedian: +median(coldTotal).toFixed(2),
      // First use of any command, the chat view or @switchboard: require dist/features.js and activate it (before the
      // feature's own work, and before dist/core.js on its first request).
      featuresJsKB: Math.round(statSync(featuresFile).size / 1024),
      firstUseLoadMsMedian: +median(featuresMs).toFixed(2),
      samples,
      goals: { sizeKB: 60, requirePlusActivateMs: 10, firstUseMs: 50 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
