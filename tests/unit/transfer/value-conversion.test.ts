import { describe, expect, it } from 'vitest';
import { jsonbText } from '../../../src/transfer/jsonb-text.ts';
import { canonicalNumeric, fitNumeric, float8Text, realAsNumeric, realAsText } from '../../../src/transfer/numeric-text.ts';
import { dateFromText, timestampFromInteger, timestampFromReal, timestampFromText } from '../../../src/transfer/timestamp-text.ts';

describe('timestamps to PostgreSQL text (UTC)', () => {
  it.each([
    ['2014-07-30 16:18:51', '2014-07-30 16:18:51'],
    ['2014-07-30T16:18:51', '2014-07-30 16:18:51'],
    ['2014-07-30', '2014-07-30 00:00:00'],
    ['2014-07-30 16:18', '2014-07-30 16:18:00'],
    ['2014-07-30 16:18:51.500', '2014-07-30 16:18:51.5'],
    ['2014-07-30 16:18:51.123456', '2014-07-30 16:18:51.123456'],
    ['2014-07-30T16:18:51Z', '2014-07-30 16:18:51'],
    ['2014-07-30T16:18:51+02:00', '2014-07-30 14:18:51'],
    ['2014-07-30T01:18:51.25-0300', '2014-07-30 04:18:51.25'],
    ['2014-12-31T23:30:00-01:00', '2015-01-01 00:30:00'],
  ])('%s -> %s', (input, output) => expect(timestampFromText(input)).toBe(output));

  it.each(['2021-02-30', '2021-13-01', 'yesterday', '2014-07-30 24:00:00', '2014-07-30 16:18:51.1234567', '0000-01-01'])('refuses %s', (input) =>
    expect(timestampFromText(input)).toBeUndefined(),
  );

  it.each<[bigint, string]>([
    [0n, '1970-01-01 00:00:00'],
    [2024n, '1970-01-01 00:33:44'],
    [1_700_000_000n, '2023-11-14 22:13:20'],
    [1_700_000_000_123n, '2023-11-14 22:13:20.123'],
    [-86_400n, '1969-12-31 00:00:00'],
  ])('unix %s -> %s', (input, output) => expect(timestampFromInteger(input)).toBe(output));

  it.each<[number, string]>([
    [2460000.5, '2023-02-25 00:00:00'],
    [2440587.5, '1970-01-01 00:00:00'],
    [1_700_000_000.25, '2023-11-14 22:13:20.25'],
  ])('real %s -> %s', (input, output) => expect(timestampFromReal(input)).toBe(output));

  it('keeps dates as YYYY-MM-DD and refuses others', () => {
    expect(dateFromText('2017-08-08')).toBe('2017-08-08');
    expect(dateFromText('2017-08-08 10:00:00')).toBeUndefined();
  });
});

describe('numbers', () => {
  it.each<[number, string]>([
    [1, '1'],
    [0.1, '0.1'],
    [1.2, '1.2'],
    [1e15, '1e+15'],
    [1.2e15, '1.2e+15'],
    [123456789012345, '123456789012345'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1.5e300, '1.5e+300'],
    [5e-324, '5e-324'],
    [-0, '-0'],
    [Infinity, 'Infinity'],
    [NaN, 'NaN'],
  ])('double %s prints as PostgreSQL does: %s', (input, output) => expect(float8Text(input)).toBe(output));

  it.each([
    ['1e2', '100'],
    ['1.50e1', '15.0'],
    ['-0.0', '0.0'],
    ['1E-2', '0.01'],
    ['2.50', '2.50'],
    ['-12', '-12'],
    ['0007', '7'],
    ['x', undefined],
  ])('numeric literal %s -> %s', (input, output) => expect(canonicalNumeric(input)).toBe(output));

  it.each<[number, string]>([
    [0.99, '0.99'],
    [1.1999999999999999555, '1.2'],
    [1e21, '1000000000000000000000'],
    [1.2e-7, '0.00000012'],
  ])('real %s as exact decimal %s', (input, output) => expect(realAsNumeric(input)).toBe(output));

  it.each([
    ['0.99', 10, 2, '0.99'],
    ['1', 10, 2, '1.00'],
    ['1.005', 10, 2, undefined],
    ['123456789', 10, 2, undefined],
    ['-1.5', 4, 2, '-1.50'],
  ])('%s fitted to numeric(%s,%s) is %s', (text, p, s, output) => expect(fitNumeric(text, p, s)).toBe(output));

  it('shows reals in text columns the way SQLite does, with exact digits', () => {
    expect([realAsText(1), realAsText(12.3), realAsText(-0)]).toEqual(['1.0', '12.3', '-0.0']);
  });
});

describe('jsonb text, as PostgreSQL prints it back', () => {
  it.each([
    ['{"b":1,"a":[1,2.50,1e2],"aa":"x\\u00e9\\n","a":null}', '{"a": null, "b": 1, "aa": "xé\\n"}'],
    ['"\\u0007"', '"\\u0007"'],
    ['-0', '0'],
    ['1E+2', '100'],
    [' { } ', '{}'],
    ['[]', '[]'],
    ['"\\/"', '"/"'],
    ['{"é":1,"z":2}', '{"z": 2, "é": 1}'],
    ['"\\ud83d\\ude00"', '"😀"'],
  ])('%s -> %s', (input, output) => expect(jsonbText(input)).toBe(output));

  it.each(['{', '"\\u0000"', '"\\ud800"', "{'a':1}", '[1,]', '01'])('refuses %s', (input) => expect(jsonbText(input)).toBeUndefined());
});
