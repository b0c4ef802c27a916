import { openTransfer, type TransferDeps } from './open-transfer.ts';
import type { TransferPhase, TransferPipeline } from './transfer-phases.ts';
import type { ResolvedTransferOptions, TransferOptions } from './transfer-options.ts';
import type { TransferPlan } from './transfer-plan.ts';
import type { TransferReport } from './transfer-report.ts';
import { releaseTransfer, type TransferState } from './transfer-state.ts';

export type { TransferDeps } from './open-transfer.ts';

/**
 * One transfer or verification: opens the source (the first step), then runs the pipeline's
 * phases one at a time, each timed in the report, and releases everything at the end. The phases
 * themselves live in their own files, over the shared TransferState.
 */
export class TransferSession {
  private constructor(
    private readonly state: TransferState,
    readonly pipeline: TransferPipeline,
  ) {}

  /** Opens and checks the source, reads its schema and values, plans the target, connects. */
  static async open(options: TransferOptions, deps: TransferDeps, pipeline: TransferPipeline): Promise<TransferSession> {
    return new TransferSession(await openTransfer(options, deps, pipeline.command), pipeline);
  }

  get options(): ResolvedTransferOptions {
    return this.state.options;
  }

  get plan(): TransferPlan {
    return this.state.plan;
  }

  get report(): TransferReport {
    return this.state.report;
  }

  /** Runs one phase and records how long it took; returns that. */
  async run(phase: TransferPhase): Promise<number> {
    const started = this.state.now();
    try {
      await phase.run(this.state);
    } finally {
      this.state.report.phases.push({ name: phase.name, durationMs: this.state.now() - started });
    }
    return this.state.report.phases[this.state.report.phases.length - 1]?.durationMs ?? 0;
  }

  /** Marks the report done and releases the snapshot and connections. */
  async close(): Promise<TransferReport> {
    const { report } = this.state;
    report.durationMs = this.state.now() - this.state.started;
    report.ok = report.failures.length === 0 && (report.verification?.ok ?? true);
    await releaseTransfer(this.state);
    return report;
  }

  /** Releases everything after an error, without touching the report. */
  async abort(): Promise<void> {
    await releaseTransfer(this.state);
  }
}
