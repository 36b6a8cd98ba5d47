import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ command }) => ({
  root,
  base: '/',
  plugins: [react()],
  // A build is always a production build, even when a test run starts it (Vitest sets NODE_ENV=test,
  // which Vite would otherwise honour): React's development bundle must never reach dist/console,
  // where a stale-check build would keep serving it.
  ...(command === 'build' && {
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    oxc: { jsx: { development: false } },
  }),
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    // `npx vite src/console` during development: the API runs on the portal (npm start).
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
}));
