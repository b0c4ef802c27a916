// @ts-check
import http from 'node:http';
import { ConfigError, describeTarget, loadConfig } from './config.js';
import { openDatabase } from './database.js';
import { handleRequest } from './routes.js';

// Compose gives a container 10 s after SIGTERM; finish well inside that so `stop` is fast.
const SHUTDOWN_GRACE_MS = 1000;
const SHUTDOWN_DEADLINE_MS = 2500;

/** @param {string} line */
const log = (line) => console.log(`[api] ${line}`);

/** Composition root: the only place that reads the environment and owns process-wide effects. */
async function main() {
  let config;
  try {
    config = loadConfig(process.env, process.cwd());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`[api] configuration error: ${error.message}`);
    process.exit(2);
  }

  const db = await openDatabase(config.database);
  const server = http.createServer((req, res) => {
    handleRequest(db, req.method ?? 'GET', req.url ?? '/', log)
      .then(({ status, body, headers }) => send(res, status, body, headers))
      .catch((/** @type {unknown} */ error) => {
        log(`${req.method} ${req.url}: internal error: ${error instanceof Error ? error.message : String(error)}`);
        send(res, 500, { error: 'internal error' });
      });
  });
  // Idle keep-alive sockets must not hold shutdown open.
  server.keepAliveTimeout = 5000;

  server.on('error', (error) => {
    console.error(`[api] cannot listen on ${config.host}:${config.port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    log(`listening on ${config.host}:${config.port} (${describeTarget(config.database)})`);
  });

  let stopping = false;
  /** @param {NodeJS.Signals} signal */
  const stop = (signal) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal} received, shutting down`);
    setTimeout(() => {
      log('shutdown deadline reached, exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    Promise.allSettled([closed, db.close()]).then(() => {
      log('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {Record<string, unknown>} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, body, headers = {}) {
  const payload = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

await main();
