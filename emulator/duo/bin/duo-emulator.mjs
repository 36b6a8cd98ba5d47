#!/usr/bin/env node
// The emulator is TypeScript run through tsx's loader: no build step, `npm start` works from a fresh checkout.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
