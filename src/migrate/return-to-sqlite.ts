import type { Config } from '../config/config.ts';
import { previousDatabaseUrlKey } from '../config/config-keys.ts';
import { updateEnvFile } from '../config/env-file-edit.ts';
import type { ComposeStack } from '../docker/compose-stack.ts';

export interface SwitchState {
  readonly apiWasRunning: boolean;
  readonly switched: boolean;
}

/**
 * After a failed migration: DATABASE_URL back to its SQLite value, and the api serving from SQLite
 * again if it was serving before. Returns one sentence for the user; never throws, because the
 * original failure is what they must read first.
 */
export async function returnToSqlite(stack: ComposeStack, config: Config, state: SwitchState): Promise<string> {
  try {
    if (state.switched) updateEnvFile(config.envFile, { DATABASE_URL: config.databaseUrl, [previousDatabaseUrlKey]: undefined });
    if (!state.apiWasRunning && !state.switched) {
      return 'SQLite was not modified and the api was not touched.';
    }
    await stack.startApi(config.databaseUrl);
    const { health } = await stack.waitForApi();
    return `SQLite was not modified; DATABASE_URL is ${config.databaseUrl} again and the api serves ${health.sessions} sessions from ${health.backend}.`;
  } catch (error) {
    return (
      `Putting the api back on SQLite failed as well (${error instanceof Error ? error.message : String(error)}). ` +
      `SQLite was not modified. Check ${config.envFile} and run \`dbops up --env ${config.environment}\`.`
    );
  }
}
