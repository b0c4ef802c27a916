import { Listr, type ListrRendererValue, type ListrTask } from 'listr2';
import type { Interruption } from './interruption.ts';

export interface TaskRunOptions {
  /** 'silent' in tests; otherwise the live renderer on a terminal and plain lines elsewhere. */
  readonly renderer: 'default' | 'silent';
  /** Checked before every step, so Ctrl-C stops between steps and the command's recovery runs. */
  readonly interruption?: Interruption;
}

/** Runs a pipeline with the renderer the environment calls for and returns its context. */
export async function runTasks<Ctx extends object>(tasks: ListrTask<Ctx>[], context: Ctx, options: TaskRunOptions): Promise<Ctx> {
  const { interruption } = options;
  const guarded = interruption
    ? tasks.map((task) => ({
        ...task,
        task: (ctx: Ctx, wrapper: Parameters<ListrTask<Ctx>['task']>[1]) => {
          interruption.throwIfInterrupted(typeof task.title === 'string' ? task.title : 'next');
          return task.task(ctx, wrapper);
        },
      }))
    : tasks;
  const list = new Listr<Ctx, ListrRendererValue, ListrRendererValue>(guarded, {
    ctx: context,
    exitOnError: true,
    // Our Interruption handles signals; listr2's own listeners would exit before recovery runs.
    registerSignalListeners: false,
    renderer: options.renderer,
    fallbackRenderer: 'simple',
    rendererOptions: { collapseSubtasks: false, showErrorMessage: false },
    fallbackRendererOptions: { timestamp: undefined },
  });
  return list.run();
}
