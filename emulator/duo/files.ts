import { renameSync, writeFileSync } from 'node:fs';

/** Write then rename, so a crash or a second emulator reading the data dir never sees half a file. */
export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode });
  renameSync(temp, path);
}
