import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './test-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

// One PostgreSQL server for the whole run: the one CI gives (PORTCULLIS_TEST_PG_URL), or a throwaway
// embedded server so that `npm test` on a fresh machine still runs the PostgreSQL suite.
export default async function setup(project: TestProject) {
  const pg = await startTestPostgres();
  project.provide('pgUrl', pg.url);
  return async () => {
    await pg.stop();
  };
}
