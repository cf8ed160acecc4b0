// Which part of Switchboard may import which (issue 22, /ROOMS.md): the rooms of src/core and their one direction, no
// cycles, a core free of its hosts, webviews that share only the protocol. Checked by `npm run lint` through
// scripts/depcruise.ts; test/unit/architecture.test.ts plants a violation of each rule and sees it refused.
//
// dependency-cruiser rather than eslint-plugin-import: it checks folders as rooms (a rule is a pair of path patterns,
// so one line says "config may not import routing" for every file in both), it finds cycles across the whole graph
// (not file by file, and type-only imports count), and it draws the picture of the rooms:
//   node --import tsx scripts/depcruise.ts --picture | dot -T svg > core.svg

/** src/core's rooms, lowest first: a room may import only itself and the rooms to its left; createCore sits on top. */
const CORE_ROOMS = ['base', 'config', 'net', 'catalog', 'prompt', 'select', 'usage', 'routing', 'doctor'];

/** `a|b|c` for a path pattern. */
const anyOf = (names) => names.join('|');

const upwardImports = CORE_ROOMS.map((room, i) => ({
  name: `core-${room}-imports-only-lower-rooms`,
  comment: `src/core/${room}/ may import only ${i === 0 ? 'itself (base imports nothing of ours)' : `${CORE_ROOMS.slice(0, i).join(', ')} and itself`}; the order is ${CORE_ROOMS.join(' → ')} → createCore.`,
  severity: 'error',
  from: { path: `^src/core/${room}/` },
  to: { path: `^src/core/(?:(?:${anyOf(CORE_ROOMS.slice(i + 1))})/|createCore\\.ts$)` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles anywhere: each cycle is two files that cannot be understood, tested or moved apart.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-stays-free-of-its-hosts',
      comment: 'src/core runs in the extension, the CLI and the local gateway alike: it never imports vscode, the glue around it, or its hosts.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: {
        path: [
          '^vscode$',
          'node_modules/@types/vscode/',
          '^src/vscode/',
          '^src/extension\\.ts$',
          '^src/gateway/',
          '^src/agents/',
          '^src/cli/',
          '^src/cli\\.ts$',
        ],
      },
    },
    {
      name: 'core-base-imports-nothing-of-ours',
      comment: 'src/core/base/ is the floor: it imports nothing of ours outside itself.',
      severity: 'error',
      from: { path: '^src/core/base/' },
      to: { path: '^(?:src|media|test|bench|scripts)/', pathNot: '^src/core/base/' },
    },
    {
      name: 'format-imports-nothing',
      comment: 'src/core/base/format.ts is bundled into the webviews: it imports nothing at all.',
      severity: 'error',
      from: { path: '^src/core/base/format\\.ts$' },
      to: {},
    },
    ...upwardImports,
    {
      name: 'media-imports-only-the-protocol',
      comment: 'The webviews (media/) share only the message protocol and the money format with the extension.',
      severity: 'error',
      from: { path: '^media/' },
      to: { path: '^(?:src|test|bench|scripts)/', pathNot: '^src/(?:protocol\\.ts|usageProtocol\\.ts|core/base/format\\.ts)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: a cycle through types is still a cycle.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
