import { defineConfig } from 'vitest/config';

// Used when the emulator is tested on its own (`npm test` in this folder); Portcullis' root config runs the same files.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    maxWorkers: 2,
  },
});
