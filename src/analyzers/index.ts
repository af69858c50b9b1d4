// The registry of analyzers. Adding one: write its module, add it here, route a kind to it in
// rules/routing.yaml. The engine needs no change.

import type { Analyzer } from '../engine/types.ts';

export const analyzers: Analyzer[] = [];
