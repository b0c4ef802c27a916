import { describe, expect, it } from 'vitest';
import { ExecaCommandRunner } from '../../../src/process/execa-command-runner.ts';

describe('ExecaCommandRunner', () => {
  it('tells onCommand each program before it runs, without the environment it hands over', async () => {
    const echoed: (readonly string[])[] = [];
    const runner = new ExecaCommandRunner((argv) => echoed.push(argv));
    const result = await runner.run('node', ['-e', 'process.stdout.write(process.env.SECRET_FOR_TEST ?? "")'], { env: { SECRET_FOR_TEST: 'hunter2' } });
    expect(result.stdout).toBe('hunter2');
    expect(echoed).toEqual([['node', '-e', 'process.stdout.write(process.env.SECRET_FOR_TEST ?? "")']]);
  });
});
