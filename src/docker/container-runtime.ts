import type { Readable, Writable } from 'node:stream';

export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  /** Docker's state: created, running, restarting, exited, ... */
  readonly state: string;
  /** healthy, unhealthy, starting, or undefined when the image has no healthcheck. */
  readonly health: string | undefined;
  /** Host ports by container port, e.g. { "5432/tcp": 5433 }. */
  readonly publishedPorts: Readonly<Record<string, number>>;
  /** The last exit code (meaningful once the container exited). */
  readonly exitCode?: number;
  /** Whether the kernel killed it for memory. */
  readonly oomKilled?: boolean;
  readonly restartCount?: number;
  /** The memory limit in bytes; 0 when there is none. */
  readonly memoryLimitBytes?: number;
}

export interface ExecOptions {
  readonly user?: string;
  /** KEY=value pairs; the way to hand a secret to an exec without putting it in the command line. */
  readonly env?: readonly string[];
  /** Stream stdout here (with backpressure) instead of collecting it. Not ended by exec. */
  readonly stdout?: Writable;
  /** Also copy stderr here as it arrives (for progress); it is still collected for the result. Not ended by exec. */
  readonly stderr?: Writable;
  /**
   * Feed this to the command's stdin, then close only the write side so the command sees EOF and
   * its remaining output still arrives. If the command exits before reading everything, the exit
   * code and stderr are reported, not the broken pipe.
   */
  readonly stdin?: Readable;
  /**
   * How long the command may run, for probes that answer at once when healthy. Without it the
   * command may run as long as it needs; either way it fails promptly when the container stops
   * running (paused, exited, removed) under it.
   */
  readonly timeoutMs?: number;
}

export interface ExecResult {
  readonly exitCode: number;
  /** Collected output; empty when ExecOptions.stdout took it. */
  readonly stdout: string;
  readonly stderr: string;
}

export interface ProjectResources {
  readonly containers: readonly string[];
  readonly networks: readonly string[];
  readonly volumes: readonly string[];
}

/** The part of the Docker engine dbops uses. One implementation: DockerodeRuntime. */
export interface ContainerRuntime {
  /** Throws DockerUnavailableError when the engine does not answer. */
  ping(): Promise<void>;
  imageExists(name: string): Promise<boolean>;
  /** Pulls an image from its registry; rejects with the engine's reason (an unreachable registry, an unknown name). */
  pullImage(name: string): Promise<void>;
  /** The container compose made for `service` in `project`, found by its labels. */
  findServiceContainer(project: string, service: string): Promise<ContainerSummary | undefined>;
  inspect(containerId: string): Promise<ContainerSummary>;
  /** Runs a command in a container without a TTY. Never throws on a non-zero exit code. */
  exec(containerId: string, command: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  logs(containerId: string, tailLines: number): Promise<string>;
  /** Everything labelled with this compose project, to prove a teardown was complete. */
  projectResources(project: string): Promise<ProjectResources>;
}
