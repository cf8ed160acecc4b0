// Entry of dist/core.js: what the extension loads on its first request (the router with everything it needs, and
// the local gateway), kept out of dist/extension.js so that start-up compiles less. In tests these modules are
// imported directly; esbuild.js maps the extension's dynamic imports of them to this bundle.
export { createCore } from './core/createCore';
export { startLocalGateway } from './gateway/server';
export { formatDoctorStep, runDoctor } from './core/doctor/doctor';
