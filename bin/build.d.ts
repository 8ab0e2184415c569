export const DIST: string;
export function distIsStale(root?: string): boolean;
export class BuildError extends Error {}
export function buildDist(opts?: { force?: boolean; log?: (line: string) => void }): Promise<boolean>;
export function ensureEditor(opts?: {
  force?: boolean;
  log?: (line: string) => void;
}): 'none' | 'fresh' | 'built' | 'no-vite' | 'failed';
