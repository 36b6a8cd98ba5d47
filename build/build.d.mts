// Types for build.mjs (plain JavaScript: `npm install` runs it before anything is compiled).
export function build(options?: {
  force?: boolean;
  say?: (line: string) => void;
}): Promise<Array<'server' | 'console'>>;
