import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

/**
 * The HTTP ceiling: a bare node:http server that reads every request body in full and answers the way ingest
 * does (`200 {"id": ...}` with Content-Length), and does nothing else: no auth, no decompression, no parsing,
 * no queue. Run as a child process by the benchmark, on the same machine and with the same traffic as the
 * api, so the ratio between the two is what our ingest path costs on top of Node's HTTP stack.
 *
 * Usage: node dist/bench/ceiling-server.js PORT  (prints "listening PORT" when ready)
 */
const port = Number(process.argv[2] ?? 0);
const server = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    const body = bytes > 0 ? `{"id":"${randomUUID().replace(/-/g, '')}"}` : '{}';
    res.writeHead(200, {
      'Access-Control-Allow-Origin': '*',
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
