import { execa } from 'execa';
import type { CommandRunner, OnCommand, RunOptions, RunResult } from './command-runner.ts';

/** The real CommandRunner: execa with no shell, so arguments are never interpreted. */
export class ExecaCommandRunner implements CommandRunner {
  constructor(private readonly onCommand: OnCommand = () => undefined) {}

  async run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.onCommand([file, ...args]);
    const started = Date.now();
    const child = execa(file, args, {
      env: options.env,
      extendEnv: true,
      cwd: options.cwd,
      reject: false,
      stdin: 'ignore',
      all: false,
      timeout: options.timeoutMs,
      stdout: options.stdout ? ['pipe', options.stdout] : 'pipe',
      lines: false,
    });
    if (options.onLine) {
      const onLine = options.onLine;
      for (const stream of [child.stdout, child.stderr]) {
        stream?.setEncoding('utf8');
        let pending = '';
        stream?.on('data', (chunk: string) => {
          const lines = (pending + chunk).split(/\r?\n/);
          pending = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) onLine(line);
        });
      }
    }
    const result = await child;
    return {
      command: [file, ...args].join(' '),
      exitCode: result.exitCode ?? null,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
      durationMs: Date.now() - started,
    };
  }
}
