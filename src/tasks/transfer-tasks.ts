import type { ListrTask } from 'listr2';
import { transferPipeline, verifyPipeline, type TransferPipeline } from '../transfer/transfer-phases.ts';
import { resolveTransferOptions, type TransferOptions } from '../transfer/transfer-options.ts';
import { TransferSession, type TransferDeps } from '../transfer/transfer-session.ts';

export interface TransferContext {
  session?: TransferSession;
}

/** One task to open the source, then one per phase of the pipeline: each runs it and sets its title. */
function pipelineTasks(pipeline: TransferPipeline, options: TransferOptions, deps: TransferDeps): ListrTask<TransferContext>[] {
  const resolved = resolveTransferOptions(options);
  return [
    {
      title: pipeline.opening(options.sqlitePath),
      task: async (ctx, task) => {
        ctx.session = await TransferSession.open(
          { ...options, onProgress: (p) => (task.output = `${p.table}: ${p.rowsDone}/${p.rowsTotal} rows, ${Math.round(p.rowsPerSecond)} rows/s`) },
          deps,
          pipeline,
        );
        task.title = pipeline.opened(ctx.session.plan, options.sqlitePath);
      },
    },
    ...pipeline.phases.map((phase): ListrTask<TransferContext> => ({
      title: phase.title,
      enabled: phase.enabled(resolved),
      task: async (ctx, task) => {
        const session = ctx.session as TransferSession;
        const ms = await session.run(phase);
        task.title = phase.done(session.report, ms);
      },
    })),
  ];
}

/** `dbops transfer`: one task per phase of the transfer. */
export function transferTasks(options: TransferOptions, deps: TransferDeps): ListrTask<TransferContext>[] {
  return pipelineTasks(transferPipeline, options, deps);
}

/** `dbops verify`: read both sides and compare. */
export function verifyTasks(options: TransferOptions, deps: TransferDeps): ListrTask<TransferContext>[] {
  return pipelineTasks(verifyPipeline, options, deps);
}
