// @ts-check
import { DatabaseUnavailableError } from './database-error.js';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;
const MESSAGES_PATH = /^\/sessions\/([^/]+)\/messages$/;

/**
 * @typedef {{ status: number, body: Record<string, unknown>, headers?: Record<string, string> }} ApiResponse
 * @typedef {(line: string) => void} Log
 */

/**
 * Routes one request; knows nothing of node:http, so it can be driven with a fake database.
 * @param {import('./database.js').ApiDatabase} db
 * @param {string} method
 * @param {string} rawUrl  the request target, e.g. "/sessions?limit=5"
 * @param {Log} log
 * @returns {Promise<ApiResponse>}
 */
export async function handleRequest(db, method, rawUrl, log) {
  const url = new URL(rawUrl, 'http://api.invalid');
  const route = matchRoute(url.pathname);
  if (route === null) return { status: 404, body: { error: `no route for ${url.pathname}` } };
  if (method !== 'GET') {
    return { status: 405, body: { error: `${method} is not allowed; use GET` }, headers: { allow: 'GET' } };
  }
  try {
    switch (route.name) {
      case 'health':
        return { status: 200, body: { status: 'ok', backend: db.backend, sessions: await db.countSessions() } };
      case 'sessions':
        return await listSessions(db, url.searchParams);
      case 'messages':
        return await listMessages(db, route.sessionId);
    }
  } catch (error) {
    if (!(error instanceof DatabaseUnavailableError)) throw error;
    log(`${method} ${url.pathname}: database error: ${error.message}`);
    return { status: 503, body: { status: 'error', backend: db.backend, error: error.message } };
  }
}

/**
 * @param {string} pathname
 * @returns {{ name: 'health' } | { name: 'sessions' } | { name: 'messages', sessionId: string } | null}
 */
function matchRoute(pathname) {
  if (pathname === '/health') return { name: 'health' };
  if (pathname === '/sessions') return { name: 'sessions' };
  const match = MESSAGES_PATH.exec(pathname);
  if (match?.[1] === undefined) return null;
  try {
    return { name: 'messages', sessionId: decodeURIComponent(match[1]) };
  } catch {
    return null;
  }
}

/**
 * @param {import('./database.js').ApiDatabase} db
 * @param {URLSearchParams} params
 * @returns {Promise<ApiResponse>}
 */
async function listSessions(db, params) {
  const limit = parseLimit(params.get('limit'));
  if (typeof limit === 'string') return { status: 400, body: { error: limit } };
  return { status: 200, body: { sessions: await db.listSessions(limit) } };
}

/**
 * @param {string | null} raw
 * @returns {number | string}  the limit, or why it was refused
 */
export function parseLimit(raw) {
  if (raw === null) return DEFAULT_LIMIT;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_LIMIT) {
    return `limit must be an integer from 1 to ${MAX_LIMIT}`;
  }
  return value;
}

/**
 * @param {import('./database.js').ApiDatabase} db
 * @param {string} sessionId
 * @returns {Promise<ApiResponse>}
 */
async function listMessages(db, sessionId) {
  const messages = await db.listMessages(sessionId);
  if (messages === null) return { status: 404, body: { error: 'session not found', session_id: sessionId } };
  return { status: 200, body: { session_id: sessionId, messages } };
}
