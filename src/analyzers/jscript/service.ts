// The `sandbox` service: one pool of warm sandbox processes per run, opened lazily (a run that meets no
// script starts no process) and closed when the run ends.

import type { EngineConfig } from '../../engine/types.ts';
import type { ServiceFactory } from '../../services.ts';
import { SandboxPool } from './sandbox/pool.ts';

/** Sandbox processes per run: the machine this runs on has few cores, and each process holds ~60 MiB. */
const DEFAULT_POOL_SIZE = 2;

export function openSandboxPool(config: EngineConfig): SandboxPool {
  const size = Number(config.analyzers.jscript?.sandboxes ?? DEFAULT_POOL_SIZE);
  return new SandboxPool({ size: Number.isInteger(size) && size > 0 ? size : DEFAULT_POOL_SIZE, memoryMiB: config.limits.sandboxMemoryMiB });
}

export const sandboxService: ServiceFactory = async (config) => {
  const pool = openSandboxPool(config);
  return { name: 'sandbox', service: pool, close: () => pool.close() };
};
