import type { Command } from 'commander';

/**
 * The "Examples:" block of each command's --help, by command name ('' is dbops itself). Every
 * command needs an entry: addExamples refuses a command without one, so a new command cannot
 * ship a --help that shows no way to call it.
 */
export const commandExamples: Readonly<Record<string, readonly string[]>> = {
  '': [
    'dbops up --env development',
    'dbops migrate --env production --yes',
    'dbops --quiet backups --env production | grep keep',
    'dbops --verbose backup --env development',
  ],
  sample: ['dbops sample --out data/api_sessions.db --sessions 1000', 'dbops sample --sessions 100000 --seed 7 --force'],
  up: ['dbops up --env development', 'dbops up --env production'],
  down: ['dbops down --env development', 'dbops down --env development --volumes', 'dbops down --env production --volumes --yes'],
  config: ['dbops config --env production'],
  transfer: [
    'PGPASSWORD=... dbops transfer --sqlite data/api_sessions.db --postgres postgresql://app@127.0.0.1:5432/app',
    'dbops transfer --sqlite app.db --postgres postgresql://app@127.0.0.1/app --if-exists resume --report transfer.json',
    'dbops transfer --sqlite app.db --postgres postgresql://app@127.0.0.1/app --tables users,orders --parallel 4',
  ],
  verify: ['PGPASSWORD=... dbops verify --sqlite data/api_sessions.db --postgres postgresql://app@127.0.0.1:5432/app --report verify.json'],
  migrate: ['dbops migrate --env development', 'dbops migrate --env production --yes --ready-timeout 300'],
  rollback: ['dbops rollback --env development', 'dbops rollback --env production --yes'],
  backup: [
    'dbops backup --env production',
    'dbops backup --env production --verify restore --keep',
    'dbops backup --env development --keep-last 7 --keep-days 30',
  ],
  restore: [
    'dbops restore --env development -- backups/app-20261205T030000.000Z.dump',
    'dbops restore --env production --yes -- backups/app-20261205T030000.000Z.dump',
  ],
  backups: ['dbops backups --env production', 'dbops backups --env production | grep keep'],
};

/** Adds the Examples block to the program's --help and to each command's. Throws for a command without examples. */
export function addExamples(program: Command, examples: Readonly<Record<string, readonly string[]>> = commandExamples): void {
  for (const [name, command] of [['', program] as const, ...program.commands.map((c) => [c.name(), c] as const)]) {
    const lines = examples[name];
    if (!lines?.length) throw new Error(`dbops ${name} has no examples: add them to src/cli/command-examples.ts.`);
    command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}`);
  }
}
