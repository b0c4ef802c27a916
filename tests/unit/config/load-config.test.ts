import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { tempDir } from '../../support/temp-dir.ts';

const base = {
  COMPOSE_PROJECT_NAME: 'lawfirm-dev',
  DATABASE_URL: 'sqlite:///./data/api_sessions.db',
  SQLITE_PATH: './data/api_sessions.db',
  POSTGRES_HOST: 'postgres',
  POSTGRES_PORT: '5433',
  POSTGRES_DB: 'lawfirm',
  POSTGRES_USER: 'lawfirm',
  POSTGRES_PASSWORD: 'dev-password',
  API_PORT: '8000',
  BACKUP_DIR: './backups',
  POSTGRES_IMAGE: 'postgres:16',
  NODE_IMAGE: 'node:20-bookworm-slim',
};

const envText = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');

describe('loadConfig', () => {
  let dir: ReturnType<typeof tempDir>;
  const write = (name: string, values: Record<string, string>) => writeFileSync(path.join(dir.path, name), envText(values));
  const load = (environment: 'development' | 'production', env: Record<string, string> = {}) => loadConfig({ environment, rootDir: dir.path, env });
  const failure = (run: () => unknown): ConfigError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  beforeEach(() => {
    dir = tempDir();
    write('.env.development', base);
  });
  afterEach(() => dir.remove());

  it('reads the env file and resolves paths against the project directory', () => {
    const config = load('development');
    expect(config.postgres).toEqual({ host: 'postgres', port: 5433, database: 'lawfirm', user: 'lawfirm', password: 'dev-password' });
    expect(config.sqlitePath).toBe(path.join(dir.path, 'data/api_sessions.db'));
    expect(config.composeFile).toBe(path.join(dir.path, 'deployment/docker-compose.dev.yml'));
    expect(config.apiPort).toBe(8000);
    expect(config.sources.POSTGRES_PORT).toBe('.env.development');
  });

  it('lets the .local file override the env file, and the environment override both', () => {
    write('.env.development.local', { POSTGRES_PORT: '6000', API_PORT: '9000' });
    const config = load('development', { POSTGRES_PORT: '7000' });
    expect(config.postgres.port).toBe(7000);
    expect(config.sources.POSTGRES_PORT).toBe('the environment');
    expect(config.apiPort).toBe(9000);
    expect(config.sources.API_PORT).toBe('.env.development.local');
  });

  it('ignores variables that are not configuration keys', () => {
    expect(() => load('development', { UNRELATED: 'x' })).not.toThrow();
  });

  it('returns a deeply frozen object', () => {
    const config = load('development');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.postgres)).toBe(true);
  });

  it.each([
    ['POSTGRES_PORT', 'abc', /POSTGRES_PORT must be a number/],
    ['POSTGRES_PORT', '70000', /POSTGRES_PORT must be between 1 and 65535/],
    ['API_PORT', '80.5', /API_PORT must be a whole number/],
    ['POSTGRES_DB', 'law-firm', /POSTGRES_DB must be a PostgreSQL name/],
    ['COMPOSE_PROJECT_NAME', 'Law Firm', /COMPOSE_PROJECT_NAME must be lower-case/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must start with sqlite:\/\/\/ or postgresql:\/\//],
  ])('names the key and the file when %s is %s', (key, value, message) => {
    write('.env.development', { ...base, [key]: value });
    const error = failure(() => load('development'));
    expect(error.key).toBe(key);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('.env.development');
  });

  it('names the environment as the source when an override is bad', () => {
    const error = failure(() => load('development', { API_PORT: 'eighty' }));
    expect(error.message).toMatch(/in the environment: API_PORT must be a number/);
  });

  it('reports a missing key', () => {
    const { NODE_IMAGE: _removed, ...rest } = base;
    write('.env.development', rest);
    expect(failure(() => load('development')).message).toMatch(/NODE_IMAGE is missing. Add NODE_IMAGE=\.\.\. to \.env\.development/);
  });

  it('reports a missing env file', () => {
    expect(failure(() => load('production')).message).toMatch(/\.env\.production does not exist/);
  });

  it.each(['CHANGE_ME', 'changeme', '', '  ', '<set me>', 'placeholder'])('refuses the placeholder password %j', (password) => {
    write('.env.production', { ...base, POSTGRES_PASSWORD: password });
    const error = failure(() => load('production'));
    expect(error.key).toBe('POSTGRES_PASSWORD');
    expect(error.message).toMatch(/will not touch the production database/);
    expect(error.message).toContain('.env.production.local');
  });

  it('accepts the production password from the environment or the .local file', () => {
    write('.env.production', { ...base, POSTGRES_PASSWORD: 'CHANGE_ME' });
    expect(load('production', { POSTGRES_PASSWORD: 's3cret-from-env' }).postgres.password).toBe('s3cret-from-env');
    write('.env.production.local', { POSTGRES_PASSWORD: 's3cret-from-file' });
    expect(load('production').postgres.password).toBe('s3cret-from-file');
  });

  it('never shows the password in a validation error', () => {
    const error = failure(() => load('development', { DATABASE_URL: 'mysql://u:hunter2@db/x' }));
    expect(error.message).not.toContain('hunter2');
  });

  it('requires a sqlite DATABASE_URL to name the file of SQLITE_PATH, as the api sees it', () => {
    const error = failure(() => load('development', { SQLITE_PATH: '/srv/other.db' }));
    expect(error.message).toMatch(/Set DATABASE_URL=sqlite:\/\/\/\.\/data\/other\.db/);
    expect(load('development', { SQLITE_PATH: '/srv/api_sessions.db' }).sqlitePath).toBe('/srv/api_sessions.db');
  });

  it('refuses a PostgreSQL DATABASE_URL that carries the password', () => {
    const error = failure(() => load('development', { DATABASE_URL: 'postgresql://lawfirm:pw@postgres:5432/lawfirm' }));
    expect(error.message).toMatch(/contains a password/);
    expect(load('development', { DATABASE_URL: 'postgresql://lawfirm@postgres:5432/lawfirm' }).databaseUrl).toBe('postgresql://lawfirm@postgres:5432/lawfirm');
  });
});

describe('loadConfig on env files that are not regular files', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
    writeFileSync(path.join(dir.path, '.env.development'), envText(base));
  });
  afterEach(() => dir.remove());

  it.each([
    ['a named pipe as .env.development.local (reading it would block for ever)', () => execFileSync('mkfifo', [path.join(dir.path, '.env.development.local')])],
    ['a directory as .env.development.local', () => mkdirSync(path.join(dir.path, '.env.development.local'))],
  ])('refuses %s at once, naming the file', (_name, arrange) => {
    arrange();
    const started = Date.now();
    let thrown: unknown;
    try {
      loadConfig({ environment: 'development', rootDir: dir.path, env: {} });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toMatch(/\.env\.development\.local is not a regular file\. Replace \.env\.development\.local with a regular file/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
