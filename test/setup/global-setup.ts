import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { build } from '../../build/build.mjs';
import { startTestPostgres } from './test-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

// One PostgreSQL server for the whole run: the one CI gives (PORTCULLIS_TEST_PG_URL), or a throwaway
// embedded server so that `npm test` on a fresh machine still runs the PostgreSQL suite.
export default async function setup(project: TestProject) {
  // Most suites test the sources in-process; the CLI suites run bin/portcullis.mjs (the build, as
  // shipped) and the browser suites drive the built console. Rebuild whatever changed since `npm install`.
  await build();
  const pg = await startTestPostgres();
  project.provide('pgUrl', pg.url);
  return async () => {
    await pg.stop();
  };
}
