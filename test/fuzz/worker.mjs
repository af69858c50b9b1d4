// Worker entry: TypeScript is loaded through tsx's API (a worker does not inherit the parent's loader
// hooks on Node 20), then the fuzz loop runs in this thread so that the parent can watch it and stop it.
import { register } from 'tsx/esm/api';

register();
await import('./loop.ts');
