// Imported first by main.ts: zod probes `new Function` when the first schema is built (src/protocol.ts), and the
// webview's CSP forbids eval, so Chromium would report a violation. Jitless parsing skips the probe.
import { config } from 'zod/mini';

config({ jitless: true });
