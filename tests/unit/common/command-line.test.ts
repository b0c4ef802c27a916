import { describe, expect, it } from 'vitest';
import { formatCommandLine, maskSecrets } from '../../../src/common/command-line.ts';

describe('maskSecrets', () => {
  it.each([
    ['postgresql://app:s3cr%40t@127.0.0.1:5433/app', 'postgresql://app:***@127.0.0.1:5433/app'],
    ['postgres://app@db/app (no password)', 'postgres://app@db/app (no password)'],
    ['DATABASE_URL=postgresql://u:p@h/d', 'DATABASE_URL=postgresql://u:***@h/d'],
    ['PGPASSWORD=hunter2', 'PGPASSWORD=***'],
    ['POSTGRES_PASSWORD="two words"', 'POSTGRES_PASSWORD=***'],
    ['--password=hunter2', '--password=***'],
    ['api_token=abc,API_KEY=def', 'api_token=***,API_KEY=***'],
    ["ALTER ROLE app PASSWORD 'it''s secret'", "ALTER ROLE app PASSWORD '***'"],
    ['CREATE ROLE app LOGIN password "x"', "CREATE ROLE app LOGIN password '***'"],
    ['POSTGRES_USER=app pg_dump -Fc -d app', 'POSTGRES_USER=app pg_dump -Fc -d app'],
    ['the password was wrong', 'the password was wrong'],
  ])('%s', (text, expected) => {
    expect(maskSecrets(text)).toBe(expected);
  });
});

describe('formatCommandLine', () => {
  it('quotes what a shell would split or expand, and nothing else', () => {
    expect(formatCommandLine(['docker', 'compose', '-f', 'deployment/docker-compose.dev.yml', 'up', '--detach', 'api'])).toBe(
      'docker compose -f deployment/docker-compose.dev.yml up --detach api',
    );
    expect(formatCommandLine(['psql', '-c', "SELECT 'a b'", ''])).toBe(`psql -c 'SELECT '\\''a b'\\''' ''`);
  });

  it('masks the value after a password option, and secrets inside arguments', () => {
    expect(formatCommandLine(['tool', '--password', 'hunter2', '--user', 'app'])).toBe('tool --password *** --user app');
    expect(formatCommandLine(['docker', 'exec', '--env', 'PGPASSWORD', 'c0ffee', 'psql', 'postgresql://app:hunter2@localhost/app'])).toBe(
      'docker exec --env PGPASSWORD c0ffee psql postgresql://app:***@localhost/app',
    );
    expect(formatCommandLine(['psql', '-c', "ALTER ROLE app PASSWORD 'hunter2'"])).not.toContain('hunter2');
  });
});
