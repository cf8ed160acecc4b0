// The floor for a local gateway: a bare Node reverse proxy that pipes each request to the upstream over a keep-alive
// agent and pipes the answer back, reading nothing. `node bench/pipe.js <upstream base URL>` prints `listening on URL`.
// Plain JavaScript so it starts without tsx, like the built `switchboard serve` it is compared with.
'use strict';
const http = require('node:http');

const upstream = new URL(process.argv[2]);
const agent = new http.Agent({ keepAlive: true });
const base = upstream.pathname.replace(/\/+$/, '');

const server = http.createServer({ noDelay: true, keepAlive: true }, (req, res) => {
  const path = base + (req.url ?? '/').replace(/^\/v1/, '');
  const headers = { ...req.headers, host: upstream.host };
  const up = http.request({ hostname: upstream.hostname, port: upstream.port, path, method: req.method, headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}/v1\n`));
process.once('SIGTERM', () => process.exit(0));
