import { Listr, type ListrRendererValue, type ListrTask } from 'listr2';

export interface TaskRunOptions {
  /** 'silent' in tests; otherwise the live renderer on a terminal and plain lines elsewhere. */
  readonly renderer: 'default' | 'silent';
}

/** Runs a pipeline with the renderer the environment calls for and returns its context. */
export async function runTasks<Ctx extends object>(tasks: ListrTask<Ctx>[], context: Ctx, options: TaskRunOptions): Promise<Ctx> {
  const list = new Listr<Ctx, ListrRendererValue, ListrRendererValue>(tasks, {
    ctx: context,
    exitOnError: true,
    renderer: options.renderer,
    fallbackRenderer: 'simple',
    rendererOptions: { collapseSubtasks: false, showErrorMessage: false },
    fallbackRendererOptions: { timestamp: undefined },
  });
  return list.run();
}
