// Entry of an engine worker process: registers tsx (the project runs TypeScript through it, under
// `npm start` and under vitest alike), then loads the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
