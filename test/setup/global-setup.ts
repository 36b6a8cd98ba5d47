import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { buildConsole, consoleIsStale } from '../../src/cli/commands/system.ts';
import { startTestPostgres } from './test-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

// One PostgreSQL server for the whole run: the one CI gives (PORTCULLIS_TEST_PG_URL), or a throwaway
// embedded server so that `npm test` on a fresh machine still runs the PostgreSQL suite.
export default async function setup(project: TestProject) {
  // Browser suites drive the built console; build it once here when its sources changed.
  if (consoleIsStale()) await buildConsole();
  const pg = await startTestPostgres();
  project.provide('pgUrl', pg.url);
  return async () => {
    await pg.stop();
  };
}
