import { once } from 'node:events';
import { PassThrough, Writable, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { withDeadline } from '../common/deadline.ts';
import { sleep } from '../common/sleep.ts';
import { ContainerStateError } from '../errors/container-state-error.ts';
import { DbopsError } from '../errors/dbops-error.ts';
import type { OnCommand } from '../process/command-runner.ts';
import { DockerUnavailableError } from '../errors/docker-unavailable-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import type { ContainerRuntime, ContainerSummary, ExecOptions, ExecResult, ProjectResources } from './container-runtime.ts';
import { DockerStreamDemuxer } from './docker-stream-demuxer.ts';

const projectLabel = 'com.docker.compose.project';
const serviceLabel = 'com.docker.compose.service';
/** Collected exec output is capped; larger outputs must be streamed through ExecOptions.stdout. */
const collectLimitBytes = 4 * 1024 * 1024;
/** An engine call (inspect, list, logs, exec set-up) that takes longer means the engine is stuck. */
const engineCallMs = 30_000;
/** How often a running exec checks that its container still runs (a paused one never answers). */
const execWatchMs = 2_000;

export class DockerodeRuntime implements ContainerRuntime {
  constructor(
    private readonly docker: Docker,
    private readonly onCommand: OnCommand = () => undefined,
  ) {}

  async ping(): Promise<void> {
    try {
      await this.call('ping', this.docker.ping());
    } catch (error) {
      const where = describeEndpoint(this.docker);
      throw new DockerUnavailableError(
        `The Docker engine at ${where} did not answer (${errorText(error)}). Start it (for example ` +
          '`sudo systemctl start docker`, or `dockerd &` on a machine without systemd), check DOCKER_HOST, and run again.',
        error,
      );
    }
  }

  async imageExists(name: string): Promise<boolean> {
    try {
      await this.call(`inspect image ${name}`, this.docker.getImage(name).inspect());
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }

  async pullImage(name: string): Promise<void> {
    const progress = await this.docker.pull(name);
    const events = await new Promise<{ error?: string }[]>((resolve, reject) =>
      this.docker.modem.followProgress(progress, (error: Error | null, output: { error?: string }[]) => (error ? reject(error) : resolve(output))),
    );
    // A registry error arrives as an event in a stream that still ends normally.
    const failed = events.find((event) => event.error);
    if (failed) throw new Error(failed.error);
  }

  async findServiceContainer(project: string, service: string): Promise<ContainerSummary | undefined> {
    const found = await this.call(
      'list containers',
      this.docker.listContainers({ all: true, filters: { label: [`${projectLabel}=${project}`, `${serviceLabel}=${service}`] } }),
    );
    // Prefer a running container when compose left an old one behind.
    const chosen = found.find((container) => container.State === 'running') ?? found[0];
    return chosen ? this.inspect(chosen.Id) : undefined;
  }

  async inspect(containerId: string): Promise<ContainerSummary> {
    const info = await this.call(`inspect ${containerId.slice(0, 12)}`, this.docker.getContainer(containerId).inspect());
    const publishedPorts: Record<string, number> = {};
    for (const [port, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
      const hostPort = bindings?.[0]?.HostPort;
      if (hostPort) publishedPorts[port] = Number(hostPort);
    }
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      state: info.State.Status,
      health: info.State.Health?.Status,
      publishedPorts,
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled,
      restartCount: info.RestartCount,
      memoryLimitBytes: info.HostConfig.Memory ?? 0,
    };
  }

  async exec(containerId: string, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const withStdin = options.stdin !== undefined;
    // As the docker CLI would run it; `--env NAME` names a variable without its value (a secret, usually).
    this.onCommand([
      'docker',
      'exec',
      ...(withStdin ? ['--interactive'] : []),
      ...(options.user ? ['--user', options.user] : []),
      ...(options.env ?? []).flatMap((pair) => ['--env', pair.split('=', 1)[0] ?? '']),
      containerId.slice(0, 12),
      ...command,
    ]);
    const exec = await this.call(
      `exec ${command[0]}`,
      this.docker.getContainer(containerId).exec({
        Cmd: [...command],
        AttachStdin: withStdin,
        AttachStdout: true,
        AttachStderr: true,
        // A TTY would corrupt binary output such as a pg_dump archive.
        Tty: false,
        ...(options.user ? { User: options.user } : {}),
        ...(options.env ? { Env: [...options.env] } : {}),
      }),
    );
    const stream = await this.call(`start exec ${command[0]}`, exec.start({ hijack: true, stdin: withStdin }));
    const watch = this.watchExec(containerId, `\`${command.join(' ')}\``, options.timeoutMs, (error) => stream.destroy(error));
    const stdout = options.stdout ? undefined : new Collector();
    const stderr = new Collector();
    const stderrTarget = options.stderr ? new Tee([stderr.sink, options.stderr]) : stderr.sink;
    const feeding = options.stdin ? feedStdin(options.stdin, stream) : Promise.resolve(undefined);
    let outputError: unknown;
    try {
      await pipeline(stream, new DockerStreamDemuxer(options.stdout ?? stdout!.sink, stderrTarget));
    } catch (error) {
      outputError = error;
    } finally {
      watch.stop();
      // Output is over: a command that stopped reading early must not leave the input open.
      options.stdin?.destroy();
    }
    if (watch.stopped) throw watch.stopped;
    const stdinError = await feeding;
    // A write into a connection the command already closed breaks the whole socket; then the exit
    // code below says what happened. Any other broken output is an error of its own.
    if (outputError !== undefined && stdinError === undefined) throw outputError;
    // The exit code appears only in inspect, and only once the process has finished.
    for (let tries = 0; ; tries += 1) {
      const state = await this.call(`inspect exec ${command[0]}`, exec.inspect());
      if (!state.Running && state.ExitCode !== null) {
        if (stdinError && state.ExitCode === 0) {
          throw new Error(`exec of ${command[0]} in ${containerId.slice(0, 12)} exited 0 but its input could not be delivered: ${stdinError.message}`, {
            cause: stdinError,
          });
        }
        return { exitCode: state.ExitCode, stdout: stdout?.text() ?? '', stderr: stderr.text() };
      }
      if (tries > 100) throw new Error(`exec of ${command[0]} in ${containerId.slice(0, 12)} finished its output but never reported an exit code`);
      await sleep(50);
    }
  }

  async logs(containerId: string, tailLines: number): Promise<string> {
    const buffer = await this.call('logs', this.docker.getContainer(containerId).logs({ stdout: true, stderr: true, tail: tailLines, follow: false }));
    const out = new Collector();
    const source = new PassThrough();
    source.end(buffer);
    await pipeline(source, new DockerStreamDemuxer(out.sink, out.sink));
    return out.text();
  }

  async projectResources(project: string): Promise<ProjectResources> {
    const filters = { label: [`${projectLabel}=${project}`] };
    const [containers, networks, volumes] = await this.call(
      'list project resources',
      Promise.all([this.docker.listContainers({ all: true, filters }), this.docker.listNetworks({ filters }), this.docker.listVolumes({ filters })]),
    );
    return {
      containers: containers.map((container) => container.Names[0]?.replace(/^\//, '') ?? container.Id),
      networks: networks.map((network) => network.Name),
      volumes: (volumes.Volumes ?? []).map((volume) => volume.Name),
    };
  }

  /** One engine call under its deadline: a stuck engine is an error naming the call, never a hang. */
  private call<T>(what: string, work: Promise<T>): Promise<T> {
    return withDeadline(
      work,
      engineCallMs,
      () =>
        new DockerUnavailableError(
          `The Docker engine at ${describeEndpoint(this.docker)} did not answer within ${engineCallMs / 1000} s (${what}). ` +
            `Check that it responds (\`docker info\`), then run again.`,
        ),
    );
  }

  /**
   * Watches a running exec: when its container stops running (paused, exited, removed), or the
   * command outlives `timeoutMs`, `abort` ends its connection with an error that says so.
   */
  private watchExec(
    containerId: string,
    what: string,
    timeoutMs: number | undefined,
    abort: (error: Error) => void,
  ): { stop(): void; readonly stopped: Error | undefined } {
    const started = Date.now();
    let stopped: Error | undefined;
    let checking = false;
    const end = (error: Error) => {
      stopped ??= error;
      clearInterval(timer);
      abort(error);
    };
    const check = async () => {
      let container: ContainerSummary;
      try {
        container = await this.inspect(containerId);
      } catch (error) {
        return end(
          statusCode(error) === 404
            ? new ContainerStateError(containerId.slice(0, 12), 'missing', what)
            : error instanceof Error
              ? error
              : new Error(String(error)),
        );
      }
      if (container.state !== 'running') return end(new ContainerStateError(container.name, container.state, what));
      if (timeoutMs !== undefined && Date.now() - started > timeoutMs) {
        return end(
          new DbopsError(
            `${what} in ${container.name} did not finish within ${Math.round(timeoutMs / 1000)} s although the container runs. ` +
              `Read \`docker logs ${container.name}\`.`,
            {
              exitCode: ExitCode.docker,
            },
          ),
        );
      }
      return undefined;
    };
    const timer = setInterval(
      () => {
        if (checking || stopped) return;
        checking = true;
        void check().finally(() => (checking = false));
      },
      Math.min(execWatchMs, timeoutMs ?? execWatchMs),
    );
    timer.unref();
    return {
      stop: () => clearInterval(timer),
      get stopped() {
        return stopped;
      },
    };
  }
}

/**
 * Copies `source` into the hijacked exec connection with backpressure, then ends only its write
 * side (a half-close), so the command sees EOF while its output keeps arriving. Returns the error
 * instead of throwing: when the command exits early, its exit code says more than the broken pipe.
 */
async function feedStdin(source: Readable, connection: Duplex): Promise<Error | undefined> {
  try {
    for await (const chunk of source) {
      if (connection.destroyed || connection.writableEnded) throw new Error('the command closed its input before reading all of it');
      if (!connection.write(chunk)) await drained(connection);
    }
    connection.end();
    return undefined;
  } catch (error) {
    source.destroy();
    return error instanceof Error ? error : new Error(String(error));
  }
}

function drained(stream: Duplex): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', onError);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new Error('the command closed its input before reading all of it'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on('drain', onDrain).on('close', onClose).on('error', onError);
  });
}

/** Writes every chunk to all targets, acknowledging it only when each accepted it (backpressure). */
class Tee extends Writable {
  constructor(private readonly targets: readonly Writable[]) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    Promise.all(this.targets.map((target) => (target.write(chunk) ? undefined : once(target, 'drain'))))
      .then(() => callback())
      .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
  }
}

/** Collects a bounded amount of text from a stream, keeping the end (where errors are). */
class Collector {
  private chunks: Buffer[] = [];
  private size = 0;
  readonly sink: Writable = new PassThrough().on('data', (chunk: Buffer) => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > collectLimitBytes && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  });

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function describeEndpoint(docker: Docker): string {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown };
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`;
  if (typeof modem.host === 'string') return `${modem.host}:${String(modem.port ?? '')}`;
  return 'the default socket';
}

function statusCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
