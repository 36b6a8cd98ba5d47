// Types for stamp.mjs (plain JavaScript: it runs before anything is compiled).
export interface BuildTarget {
  label: string;
  inputs: string[];
  output: string;
  stamp: string;
}
export interface FileStamp {
  sha256: string;
  size: number;
  mtimeMs: number;
}
export const ROOT: string;
export const TARGETS: { server: BuildTarget; console: BuildTarget };
export function fingerprint(target: BuildTarget, known?: Record<string, FileStamp>): Record<string, FileStamp>;
export function writeStamp(target: BuildTarget, files: Record<string, FileStamp>): void;
export function staleness(target: BuildTarget): string | null;
export function staleTargets(): Array<{ target: BuildTarget; reason: string }>;
