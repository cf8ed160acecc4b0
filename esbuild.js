// Builds the extension host bundle (Node, CJS), the CLI, and the webview bundles (browser, IIFE).
// `--production` minifies with external source maps (used by `npm run package`); `--watch` rebuilds on change.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? 'external' : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  // Non-ASCII text (smart-select's cues in 15 languages) as UTF-8 rather than \uXXXX escapes, which are 2-3x larger.
  charset: 'utf8',
};

// The tokenizer's tables are megabytes: they live in their own file, required only on the first token estimate.
const TOKENIZER = 'gpt-tokenizer/encoding/o200k_base';
const tokenizerAsSibling = {
  name: 'tokenizer-as-sibling',
  setup(b) {
    b.onResolve({ filter: /^gpt-tokenizer\/encoding\/o200k_base$/ }, () => ({ path: './tokenizer.js', external: true }));
  },
};

// The extension's dynamic imports of the core, the connection doctor and the local gateway load dist/core.js (src/coreBundle.ts) instead of
// inlining them, so activation compiles only what it runs.
const LAZY_CORE = /^(?:\.\.\/)+(core\/createCore|core\/doctor\/doctor|gateway\/server)$/;
const coreAsSibling = {
  name: 'core-as-sibling',
  setup(b) {
    b.onResolve({ filter: LAZY_CORE }, (args) => (args.kind === 'dynamic-import' ? { path: './core.js', external: true } : undefined));
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...common,
    // What VS Code loads at start-up: ids and shims (src/boot.ts), which require dist/features.js on first use.
    entryPoints: { extension: 'src/boot.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', './features.js'],
    mainFields: ['module', 'main'],
    plugins: [tokenizerAsSibling, coreAsSibling],
    metafile: true,
  },
  {
    ...common,
    // The extension itself (commands, views, participant, LM provider); the core stays in dist/core.js.
    entryPoints: { features: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    mainFields: ['module', 'main'],
    plugins: [tokenizerAsSibling, coreAsSibling],
  },
  {
    ...common,
    entryPoints: { core: 'src/coreBundle.ts', cli: 'src/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    plugins: [tokenizerAsSibling],
  },
  {
    ...common,
    entryPoints: { tokenizer: TOKENIZER },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: false,
  },
  {
    ...common,
    entryPoints: fs.existsSync('media/chat')
      ? { chat: 'media/chat/main.ts', ...(fs.existsSync('media/usage/main.ts') ? { usage: 'media/usage/main.ts' } : {}) }
      : {},
    outdir: 'dist/media',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.ttf': 'file' },
  },
];

/** Files shipped as they are: `from` → `to`, relative to the project root (scripts/licenses.ts lists their licenses). */
function staticCopies(root = '.') {
  const media = path.join(root, 'media');
  const codicons = ['node_modules/@vscode/codicons/dist/codicon.css', 'node_modules/@vscode/codicons/dist/codicon.ttf'];
  const css = fs.existsSync(media)
    ? fs
        .readdirSync(media)
        .filter((f) => f.endsWith('.css'))
        .map((f) => `media/${f}`)
    : [];
  return [...codicons, ...css].filter((f) => fs.existsSync(path.join(root, f))).map((from) => ({ from, to: `dist/media/${path.basename(from)}` }));
}

function copyStatic() {
  fs.mkdirSync('dist/media', { recursive: true });
  for (const { from, to } of staticCopies()) fs.copyFileSync(from, to);
}

async function main() {
  copyStatic();
  const live = builds.filter((b) => Object.keys(b.entryPoints).length > 0);
  if (watch) {
    for (const b of live) await (await esbuild.context(b)).watch();
    console.log('[watch] build started');
    return;
  }
  const results = await Promise.all(live.map((b) => esbuild.build(b)));
  if (process.argv.includes('--metafile')) fs.writeFileSync('dist/meta.json', JSON.stringify(results[0].metafile));
  fs.chmodSync('dist/cli.js', 0o755);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

/** The extension host build's options, for benchmarks that measure exactly what ships. */
module.exports = {
  staticCopies,
  extensionBuild: (outdir) => ({ ...builds[0], outdir, minify: true, sourcemap: false, metafile: false }),
  /** The lazily loaded rest of the extension (dist/features.js), built the same way. */
  featuresBuild: (outdir) => ({ ...builds[1], outdir, minify: true, sourcemap: false }),
};
