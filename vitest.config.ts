import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'emulator/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // Tests talk to real servers (PostgreSQL, the Duo emulator, Chromium); keep the box responsive.
    maxWorkers: 2,
    env: { PORTCULLIS_LOG_LEVEL: 'silent' },
  },
});
