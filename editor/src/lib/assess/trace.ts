/** Moved to the engine (shared with the server's documents): `engine/explain/trace.ts`. */
export * from '../../../../engine/explain/trace.ts';
