import type { SpawnSyncOptions, SpawnSyncReturns } from 'node:child_process';

export const ROOT: string;
export const EDITOR: string;
export const BUILT: string;
export function newestUnder(dir: string, keep?: (name: string) => boolean): number;
export function editorExists(): boolean;
export function editorBuildIsStale(): boolean;
export function buildEditor(opts?: SpawnSyncOptions): SpawnSyncReturns<string | Buffer>;
