import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../../../deployment/api/src/database-error.js';
import { handleRequest, parseLimit } from '../../../deployment/api/src/routes.js';
import { toBoolean, toInteger, toJson, toTimestamp } from '../../../deployment/api/src/row-json.js';

/** A fake of the reference api's own database interface. */
const fakeDatabase = (overrides: Partial<Record<'countSessions' | 'listSessions' | 'listMessages', () => Promise<unknown>>> = {}) =>
  ({
    backend: 'sqlite' as const,
    countSessions: async () => 3,
    listSessions: async () => [],
    listMessages: async () => null,
    close: async () => undefined,
    ...overrides,
  }) as never;

describe('reference api routes', () => {
  const log = () => undefined;

  it('answers /health with backend and session count', async () => {
    expect(await handleRequest(fakeDatabase(), 'GET', '/health', log)).toEqual({
      status: 200,
      body: { status: 'ok', backend: 'sqlite', sessions: 3 },
    });
  });

  it('answers 503 when the database is unavailable, without crashing', async () => {
    const db = fakeDatabase({ countSessions: async () => Promise.reject(new DatabaseUnavailableError('connect ECONNREFUSED')) });
    const response = await handleRequest(db, 'GET', '/health', log);
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ status: 'error', backend: 'sqlite' });
  });

  it.each([
    ['/sessions/nope/messages', 404],
    ['/elsewhere', 404],
    ['/sessions?limit=0', 400],
    ['/sessions?limit=1001', 400],
    ['/sessions?limit=5', 200],
  ])('GET %s answers %i', async (url, status) => {
    expect((await handleRequest(fakeDatabase(), 'GET', url, log)).status).toBe(status);
  });

  it('refuses other methods on known paths', async () => {
    expect(await handleRequest(fakeDatabase(), 'DELETE', '/sessions', log)).toMatchObject({ status: 405, headers: { allow: 'GET' } });
  });
});

describe('reference api value normalisation (both backends must give the same JSON)', () => {
  it.each([
    ['2024-03-01 09:00:00', '2024-03-01T09:00:00'],
    ['2024-03-01T09:00:00.250000', '2024-03-01T09:00:00.25'],
    ['2024-03-01 09:00:00.25+00', '2024-03-01T09:00:00.25Z'],
    ['2024-03-01 09:00+09:00', '2024-03-01T09:00:00+09:00'],
    ['not a time', 'not a time'],
  ])('timestamp %j becomes %j', (input, expected) => expect(toTimestamp(input)).toBe(expected));

  it.each([
    [1n, true],
    [0, false],
    ['t', true],
    [false, false],
    [null, null],
  ])('boolean %s becomes %s', (input, expected) => expect(toBoolean(input)).toBe(expected));

  it('narrows integers to numbers when safe and keeps big ones exact as text', () => {
    expect(toInteger(42n)).toBe(42);
    expect(toInteger('9007199254740993')).toBe('9007199254740993');
  });

  it('parses JSON text and sorts keys as jsonb would', () => {
    expect(JSON.stringify(toJson('{"b":1,"a":{"d":2,"c":3}}'))).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(toJson('not json')).toBe('not json');
  });

  it.each([
    [null, 20],
    ['7', 7],
    ['1000', 1000],
    ['-1', 'limit must be an integer from 1 to 1000'],
    ['1e3', 'limit must be an integer from 1 to 1000'],
  ])('limit %j is %j', (raw, expected) => expect(parseLimit(raw)).toBe(expected));
});
