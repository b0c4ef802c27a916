import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addExamples, commandExamples } from '../../../src/cli/command-examples.ts';
import { main } from '../../../src/cli.ts';

/** Runs main with stdout and stderr captured. */
async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => stdout.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
  const code = await main(['node', 'dbops', ...args], {});
  vi.restoreAllMocks();
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

afterEach(() => vi.restoreAllMocks());

describe('dbops --version', () => {
  it.each(['--version', '-V'])('%s prints the package version on stdout and exits 0', async (flag) => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await run(flag)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('Examples in --help', () => {
  const commands = Object.keys(commandExamples).filter((name) => name !== '');

  it.each(commands)('dbops %s --help ends with examples of that command', async (name) => {
    const help = await run(name, '--help');
    expect(help.code).toBe(0);
    const block = help.stdout.slice(help.stdout.indexOf('\nExamples:\n'));
    expect(block).toMatch(/^\nExamples:\n/);
    const lines = block.trim().split('\n').slice(1);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(new RegExp(`^ {2}\\$ (\\S+=\\S+ )?dbops (--\\S+ )*${name}( |$)`));
  });

  it('dbops --help shows examples too, and every command has an entry', async () => {
    const help = await run('--help');
    expect(help.stdout).toContain('\nExamples:\n  $ dbops ');
    const listed = [...help.stdout.matchAll(/^ {2}([a-z]+) (?:\[options\]|\[command\])/gm)].map((m) => m[1]).filter((name) => name !== 'help');
    expect(listed.sort()).toEqual([...commands].sort());
  });

  it('refuses a command that has none', () => {
    const program = new Command('dbops');
    program.command('tune');
    expect(() => addExamples(program, { '': ['dbops tune'] })).toThrow('dbops tune has no examples: add them to src/cli/command-examples.ts.');
  });
});
