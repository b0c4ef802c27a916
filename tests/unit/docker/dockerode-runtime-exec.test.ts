import { Duplex, PassThrough, Readable } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { DockerodeRuntime } from '../../../src/docker/dockerode-runtime.ts';
import { dockerFrame } from '../../support/docker-frames.ts';

/**
 * A hijacked exec connection: what is written is the command's stdin; once its write side ends
 * (the half-close) the "command" answers on stdout with what it read. `readLimit` makes it exit
 * early, like a command that stops reading, with `exitCode`.
 */
function fakeDocker(options: { exitCode: number; readLimit?: number; answerAtStart?: boolean }) {
  const seen = { created: undefined as unknown, started: undefined as unknown, stdin: [] as Buffer[], halfClosed: false };
  let received = 0;
  const connection: Duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      if (options.readLimit !== undefined && received >= options.readLimit) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        return;
      }
      received += chunk.length;
      seen.stdin.push(chunk);
      if (options.readLimit !== undefined && received >= options.readLimit) {
        connection.push(dockerFrame(2, 'stopped reading\n'));
        connection.push(null);
      }
      callback();
    },
    final(callback) {
      seen.halfClosed = true;
      connection.push(dockerFrame(1, `read ${received} bytes`));
      connection.push(dockerFrame(2, 'done\n'));
      connection.push(null);
      callback();
    },
  });
  const docker = {
    getContainer: () => ({
      exec: async (created: unknown) => {
        seen.created = created;
        return {
          start: async (started: unknown) => {
            seen.started = started;
            if (options.answerAtStart) {
              connection.push(dockerFrame(2, 'pg_dump: dumping\n'));
              connection.push(dockerFrame(1, 'dump'));
              connection.push(null);
            }
            return connection;
          },
          inspect: async () => ({ Running: false, ExitCode: options.exitCode }),
        };
      },
    }),
  } as unknown as Docker;
  return { docker, seen };
}

describe('DockerodeRuntime.exec with stdin', () => {
  it('feeds the whole input with stdin attached, half-closes, and still receives all output', async () => {
    const { docker, seen } = fakeDocker({ exitCode: 0 });
    const input = Buffer.alloc(300_000, 7);
    const chunks = Array.from({ length: 30 }, (_, index) => input.subarray(index * 10_000, (index + 1) * 10_000));
    const result = await new DockerodeRuntime(docker).exec('c1', ['pg_restore', '-f', '-'], { stdin: Readable.from(chunks), env: ['PGPASSWORD=x'] });
    expect(result).toEqual({ exitCode: 0, stdout: 'read 300000 bytes', stderr: 'done\n' });
    expect(Buffer.concat(seen.stdin).equals(input)).toBe(true);
    expect(seen.halfClosed).toBe(true);
    expect(seen.created).toMatchObject({ AttachStdin: true, Tty: false, Env: ['PGPASSWORD=x'] });
    expect(seen.started).toEqual({ hijack: true, stdin: true });
  });

  it('reports the exit code and stderr of a command that stops reading early, not the broken pipe', async () => {
    const { docker } = fakeDocker({ exitCode: 1, readLimit: 20_000 });
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(10_000, 1));
    const result = await new DockerodeRuntime(docker).exec('c1', ['pg_restore'], { stdin: Readable.from(chunks) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('stopped reading\n');
  });

  it('refuses to call it a success when a command exits 0 without having read its input', async () => {
    const { docker } = fakeDocker({ exitCode: 0, readLimit: 10_000 });
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(10_000, 1));
    await expect(new DockerodeRuntime(docker).exec('c1', ['head', '-c', '1'], { stdin: Readable.from(chunks) })).rejects.toThrow(
      /input could not be delivered/,
    );
  });

  it('copies stderr to a given stream while still collecting it, and attaches no stdin by default', async () => {
    const { docker, seen } = fakeDocker({ exitCode: 0, answerAtStart: true });
    const progress: string[] = [];
    const stderr = new PassThrough().on('data', (chunk: Buffer) => progress.push(chunk.toString()));
    const result = await new DockerodeRuntime(docker).exec('c1', ['pg_dump'], { stderr });
    expect(result).toEqual({ exitCode: 0, stdout: 'dump', stderr: 'pg_dump: dumping\n' });
    expect(progress.join('')).toBe('pg_dump: dumping\n');
    expect(seen.started).toEqual({ hijack: true, stdin: false });
    expect(seen.created).toMatchObject({ AttachStdin: false });
  });
});

describe('DockerodeRuntime.exec tells onCommand what it runs', () => {
  it('as the docker CLI would run it, naming the variables it sets without their values', async () => {
    const { docker } = fakeDocker({ exitCode: 0, answerAtStart: true });
    const echoed: (readonly string[])[] = [];
    await new DockerodeRuntime(docker, (argv) => echoed.push(argv)).exec('0123456789abcdef', ['pg_dump', '-Fc', '-U', 'app'], {
      user: 'postgres',
      env: ['PGPASSWORD=hunter2', 'PGAPPNAME=dbops'],
    });
    expect(echoed).toEqual([
      ['docker', 'exec', '--user', 'postgres', '--env', 'PGPASSWORD', '--env', 'PGAPPNAME', '0123456789ab', 'pg_dump', '-Fc', '-U', 'app'],
    ]);
    expect(JSON.stringify(echoed)).not.toContain('hunter2');
  });
});
