/** Moved to the engine (shared with the server's documents): `engine/explain/letter.ts`. */
export * from '../../../../engine/explain/letter.ts';
