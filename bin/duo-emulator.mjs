#!/usr/bin/env node
// `npm run duo-emulator` in Portcullis: the emulator package's own entry point (emulator/duo is a package of its own).
await import('../emulator/duo/bin/duo-emulator.mjs');
