import { CommandFailedError } from '../errors/command-failed-error.ts';
import { DockerUnavailableError } from '../errors/docker-unavailable-error.ts';
import type { CommandRunner, RunResult } from '../process/command-runner.ts';

/** Which compose program answers: v2 is a docker plugin, v1 is the standalone docker-compose. */
export type ComposeFlavour =
  | { readonly version: 2; readonly file: 'docker'; readonly prefix: readonly ['compose'] }
  | { readonly version: 1; readonly file: 'docker-compose'; readonly prefix: readonly [] };

const flavours: readonly ComposeFlavour[] = [
  { version: 2, file: 'docker', prefix: ['compose'] },
  { version: 1, file: 'docker-compose', prefix: [] },
];

/** Finds the compose program on this machine, preferring v2. */
export async function detectCompose(runner: CommandRunner): Promise<ComposeFlavour> {
  for (const flavour of flavours) {
    const result = await runner.run(flavour.file, [...flavour.prefix, 'version'], { timeoutMs: 20_000 }).catch(() => undefined);
    if (result?.exitCode === 0) return flavour;
  }
  throw new DockerUnavailableError(
    'Neither `docker compose` (Compose v2) nor `docker-compose` (Compose v1) could be run. Install one of them ' +
      '(Debian: `apt-get install docker-compose`; Docker Desktop and docker-ce ship v2) and run again.',
  );
}

export interface ComposeProject {
  readonly file: string;
  readonly project: string;
  /** Variables the compose file interpolates, secrets included: passed through the environment only. */
  readonly env: Readonly<Record<string, string>>;
}

export interface ComposeCommandOptions {
  readonly onLine?: (line: string) => void;
  /** Variables to change for this one command, e.g. the api's DATABASE_URL during a switch. */
  readonly envOverrides?: Readonly<Record<string, string>>;
}

/** Runs compose commands for one project. Fails with CommandFailedError naming the step. */
export class ComposeCli {
  constructor(
    private readonly runner: CommandRunner,
    private readonly flavour: ComposeFlavour,
    private readonly target: ComposeProject,
  ) {}

  /** Checks the file parses and every variable it needs is set, without printing it (it holds secrets). */
  validate(): Promise<RunResult> {
    return this.compose('Checking the compose file', ['config', '--quiet'], 'Fix the compose file or the variable it names.');
  }

  up(services: readonly string[], options: ComposeCommandOptions & { build?: boolean; recreate?: boolean; noDeps?: boolean } = {}): Promise<RunResult> {
    const args = ['up', '--detach'];
    if (options.build) args.push('--build');
    if (options.recreate) args.push('--force-recreate');
    if (options.noDeps) args.push('--no-deps');
    return this.compose(
      `Starting ${services.join(', ') || 'the stack'}`,
      [...args, ...services],
      'Check that the images exist or can be pulled and that the published ports are free.',
      options,
    );
  }

  stop(services: readonly string[], options: ComposeCommandOptions = {}): Promise<RunResult> {
    return this.compose(`Stopping ${services.join(', ')}`, ['stop', ...services], 'Check `docker ps` and the engine logs.', options);
  }

  down(options: ComposeCommandOptions & { volumes?: boolean; localImages?: boolean } = {}): Promise<RunResult> {
    const args = ['down', '--remove-orphans'];
    if (options.volumes) args.push('--volumes');
    if (options.localImages) args.push('--rmi', 'local');
    return this.compose('Removing the stack', args, 'Check `docker ps -a` for containers that could not be removed.', options);
  }

  private async compose(step: string, args: readonly string[], fix: string, options: ComposeCommandOptions = {}): Promise<RunResult> {
    const fullArgs = [...this.flavour.prefix, '--file', this.target.file, '--project-name', this.target.project, ...args];
    const result = await this.runner.run(this.flavour.file, fullArgs, {
      env: { ...this.target.env, ...options.envOverrides },
      ...(options.onLine ? { onLine: options.onLine } : {}),
    });
    if (result.exitCode !== 0) {
      throw new CommandFailedError(step, [this.flavour.file, ...fullArgs].join(' '), result.exitCode, result.stderr || result.stdout, fix);
    }
    return result;
  }
}
