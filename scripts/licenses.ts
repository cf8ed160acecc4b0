// Lists the third-party packages that end up in the shipped bundles (dist/extension.js, dist/cli.js and the webview
// bundles), with their licenses, into THIRD_PARTY_LICENSES.md. The list comes from esbuild's metafile for the same
// entry points esbuild.js builds, so a dev dependency that is bundled (markdown-it, DOMPurify, …) is listed and a
// runtime dependency that is never imported is not.
//   node --import tsx scripts/licenses.ts           write THIRD_PARTY_LICENSES.md
//   node --import tsx scripts/licenses.ts --check   fail if the file is out of date or a license is not allowed
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'THIRD_PARTY_LICENSES.md');
/** Licenses compatible with shipping inside an MIT extension. Anything else fails `--check`. */
const ALLOWED = new Set(['MIT', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD', 'CC0-1.0', 'Unlicense', 'BlueOak-1.0.0', 'Python-2.0', 'CC-BY-4.0']);

interface Bundle {
  name: string;
  options: BuildOptions;
}

// As in esbuild.js: the tokenizer's tables are their own file, required by the node bundles at run time.
const TOKENIZER = 'gpt-tokenizer/encoding/o200k_base';
const tokenizerAsSibling: Plugin = {
  name: 'tokenizer-as-sibling',
  setup(b) {
    b.onResolve({ filter: /^gpt-tokenizer\/encoding\/o200k_base$/ }, () => ({ path: './tokenizer.js', external: true }));
  },
};

function bundles(): Bundle[] {
  const common: BuildOptions = { absWorkingDir: ROOT, bundle: true, write: false, metafile: true, logLevel: 'silent', outdir: join(ROOT, 'dist') };
  const node: BuildOptions = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], mainFields: ['module', 'main'], plugins: [tokenizerAsSibling] };
  const list: Bundle[] = [
    { name: 'dist/extension.js', options: { ...node, entryPoints: [join(ROOT, 'src/extension.ts')] } },
    { name: 'dist/cli.js', options: { ...node, entryPoints: [join(ROOT, 'src/cli.ts')] } },
    { name: 'dist/tokenizer.js', options: { ...common, entryPoints: [TOKENIZER], platform: 'node', format: 'cjs', target: 'node20' } },
  ];
  for (const view of ['chat', 'usage']) {
    const entry = join(ROOT, 'media', view, 'main.ts');
    if (existsSync(entry))
      list.push({ name: `dist/media/${view}.js`, options: { ...common, entryPoints: [entry], outdir: join(ROOT, 'dist/media'), platform: 'browser', format: 'iife', target: 'es2022', loader: { '.ttf': 'file' } } });
  }
  return list;
}

/** `node_modules/@scope/name/lib/x.js` → the package directory (the innermost node_modules wins). */
function packageDirOf(input: string): string | undefined {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
  return m ? m[1] : undefined;
}

interface PackageInfo {
  name: string;
  version: string;
  license: string;
  repository?: string;
  licenseText?: string;
  usedBy: Set<string>;
  bytes: number;
}

function licenseOf(pkg: { license?: unknown; licenses?: unknown }): string {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && typeof pkg.license === 'object' && typeof (pkg.license as { type?: unknown }).type === 'string') return (pkg.license as { type: string }).type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l: { type?: string }) => l.type ?? '?').join(' OR ');
  return 'UNKNOWN';
}

function repositoryOf(pkg: { repository?: unknown; homepage?: unknown }): string | undefined {
  const r = pkg.repository;
  const url = typeof r === 'string' ? r : r && typeof r === 'object' ? (r as { url?: string }).url : undefined;
  const raw = url ?? (typeof pkg.homepage === 'string' ? pkg.homepage : undefined);
  if (!raw) return undefined;
  const clean = raw
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/^(?:git|ssh):\/\/(?:git@)?github\.com\//, 'https://github.com/')
    .replace(/^github:/, '');
  return /^[\w.-]+\/[\w.-]+$/.test(clean) ? `https://github.com/${clean}` : clean;
}

function licenseFileText(dir: string): string | undefined {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|-|$)/i.test(f));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : undefined;
}

/** Every license id in an SPDX expression must be allowed (`MIT OR Apache-2.0` needs one side; AND needs both). */
export function licenseAllowed(expr: string): boolean {
  const clean = expr.replace(/[()]/g, ' ').trim();
  if (/\sOR\s/i.test(clean)) return clean.split(/\sOR\s/i).some((part) => licenseAllowed(part));
  return clean.split(/\sAND\s/i).every((id) => ALLOWED.has(id.trim()));
}

async function collect(): Promise<PackageInfo[]> {
  const found = new Map<string, PackageInfo>();
  for (const b of bundles()) {
    const result = await build(b.options);
    const meta = result.metafile as Metafile;
    for (const [input, info] of Object.entries(meta.inputs)) {
      const rel = packageDirOf(input);
      if (!rel) continue;
      const dir = resolve(ROOT, rel);
      const pkgJson = join(dir, 'package.json');
      if (!existsSync(pkgJson)) continue;
      const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { name: string; version: string; license?: unknown; repository?: unknown; homepage?: unknown };
      const key = `${pkg.name}@${pkg.version}`;
      let p = found.get(key);
      if (!p) {
        p = { name: pkg.name, version: pkg.version, license: licenseOf(pkg), repository: repositoryOf(pkg), licenseText: licenseFileText(dir), usedBy: new Set(), bytes: 0 };
        found.set(key, p);
      }
      p.usedBy.add(b.name);
      p.bytes += info.bytes;
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

function render(pkgs: readonly PackageInfo[]): string {
  const lines = [
    '# Third-party licenses',
    '',
    'Packages bundled into the shipped files (`dist/extension.js`, `dist/cli.js`, `dist/tokenizer.js`, `dist/media/*.js`), found from',
    "esbuild's metafile for the same entry points `esbuild.js` builds. Generated by `node --import tsx scripts/licenses.ts`;",
    'do not edit by hand (`--check` fails when this file is out of date).',
    '',
    '| Package | Version | License | Bundled into |',
    '| --- | --- | --- | --- |',
    ...pkgs.map((p) => `| ${p.repository ? `[${p.name}](${p.repository})` : p.name} | ${p.version} | ${p.license} | ${[...p.usedBy].sort().join(', ')} |`),
    '',
  ];
  for (const p of pkgs) {
    lines.push(`## ${p.name} ${p.version} — ${p.license}`, '');
    lines.push(p.licenseText ? '```text\n' + p.licenseText.replace(/```/g, "'''") + '\n```' : `_No license file in the package; its package.json declares ${p.license}._`, '');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const pkgs = await collect();
  const text = render(pkgs);
  const refused = pkgs.filter((p) => !licenseAllowed(p.license));
  if (refused.length) {
    console.error(`Licenses not on the allow-list (scripts/licenses.ts ALLOWED): ${refused.map((p) => `${p.name}@${p.version} (${p.license})`).join(', ')}`);
    process.exitCode = 1;
  }
  if (process.argv.includes('--check')) {
    const current = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
    if (current !== text) {
      console.error('THIRD_PARTY_LICENSES.md is out of date: run `node --import tsx scripts/licenses.ts`.');
      process.exitCode = 1;
    } else console.log(`THIRD_PARTY_LICENSES.md is up to date (${pkgs.length} packages).`);
    return;
  }
  writeFileSync(OUT, text);
  console.log(`Wrote THIRD_PARTY_LICENSES.md: ${pkgs.length} packages (${pkgs.map((p) => `${p.name} ${p.license}`).join(', ')}).`);
}

if (require.main === module) void main();
