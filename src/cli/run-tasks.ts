import { Listr, ListrLogger, ProcessOutput, type ListrRendererValue, type ListrTask } from 'listr2';
import type { Interruption } from './interruption.ts';

/** Hears every step of a pipeline: the run record's log, and which step a failure happened in. */
export interface StepJournal {
  started(title: string): void;
  /** `title` is the step's final title, which usually says what it found. */
  finished(title: string): void;
  failed(title: string, error: unknown): void;
}

export interface TaskRunOptions {
  /**
   * 'silent' in tests and with --quiet; 'simple' (a line per event) with --verbose, so the
   * commands it echoes fall between them; 'default': the live renderer on a terminal, lines elsewhere.
   */
  readonly renderer: 'default' | 'simple' | 'silent';
  /** Where progress goes (stderr unless told): stdout carries only a command's results. */
  readonly output?: NodeJS.WriteStream;
  /** Checked before every step, so Ctrl-C stops between steps and the command's recovery runs. */
  readonly interruption?: Interruption;
  readonly journal?: StepJournal;
}

type TaskWrapper<Ctx> = Parameters<ListrTask<Ctx>['task']>[1];

/** Runs a pipeline with the renderer the environment calls for and returns its context. */
export async function runTasks<Ctx extends object>(tasks: ListrTask<Ctx>[], context: Ctx, options: TaskRunOptions): Promise<Ctx> {
  const { interruption, journal } = options;
  const guarded =
    interruption || journal
      ? tasks.map((task) => {
          const title = typeof task.title === 'string' ? task.title : 'next';
          return {
            ...task,
            task: async (ctx: Ctx, wrapper: TaskWrapper<Ctx>) => {
              interruption?.throwIfInterrupted(title);
              journal?.started(title);
              try {
                const result = await task.task(ctx, wrapper);
                journal?.finished(typeof wrapper.title === 'string' ? wrapper.title : title);
                return result;
              } catch (error) {
                journal?.failed(title, error);
                throw error;
              }
            },
          };
        })
      : tasks;
  const output = options.output ?? process.stderr;
  const logger = new ListrLogger({ useIcons: true, toStderr: [], processOutput: new ProcessOutput(output, output) });
  const list = new Listr<Ctx, ListrRendererValue, ListrRendererValue>(guarded, {
    ctx: context,
    exitOnError: true,
    // Our Interruption handles signals; listr2's own listeners would exit before recovery runs.
    registerSignalListeners: false,
    renderer: options.renderer,
    fallbackRenderer: 'simple',
    // listr2 looks at stdout alone; the live renderer needs a terminal where it draws.
    fallbackRendererCondition: options.renderer === 'default' && output.isTTY !== true,
    rendererOptions: { collapseSubtasks: false, showErrorMessage: false, logger },
    fallbackRendererOptions: { timestamp: undefined, logger },
  });
  return list.run();
}
