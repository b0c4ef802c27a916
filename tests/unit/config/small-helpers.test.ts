import { describe, expect, it } from 'vitest';
import { parseEnvironment } from '../../../src/config/environment.ts';
import { isPlaceholderSecret } from '../../../src/config/placeholder-secret.ts';
import { redactUrl } from '../../../src/config/redact-url.ts';

describe('parseEnvironment', () => {
  it.each([
    ['dev', 'development'],
    ['Development', 'development'],
    ['prod', 'production'],
    ['production', 'production'],
  ])('reads %s as %s', (name, expected) => expect(parseEnvironment(name)).toBe(expected));

  it('rejects anything else with the accepted names', () => {
    expect(() => parseEnvironment('staging')).toThrow(/Unknown environment "staging". Use --env development/);
  });
});

describe('isPlaceholderSecret', () => {
  it.each(['', 'CHANGE_ME', 'change-me', 'changeme', 'CHANGE_THIS_PASSWORD', 'password', '<password>', '${POSTGRES_PASSWORD}', '****'])(
    'treats %j as a placeholder',
    (value) => expect(isPlaceholderSecret(value)).toBe(true),
  );
  it.each(['lawfirm_dev_only', 'p4ssword!', 'changed-2026', 'Xy9#kq'])('accepts %j', (value) => expect(isPlaceholderSecret(value)).toBe(false));
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgresql://lawfirm:hunter2@db:5432/lawfirm')).toBe('postgresql://lawfirm:***@db:5432/lawfirm');
  });
  it('leaves URLs without a password exactly as they are', () => {
    expect(redactUrl('sqlite:///./data/api_sessions.db')).toBe('sqlite:///./data/api_sessions.db');
    expect(redactUrl('postgresql://lawfirm@db/lawfirm')).toBe('postgresql://lawfirm@db/lawfirm');
  });
  it('hides credentials even in a string that is not a valid URL', () => {
    expect(redactUrl('postgres://u:p w@[bad/x')).not.toContain('p w');
  });
});
