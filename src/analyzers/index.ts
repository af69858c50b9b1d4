// The registry of analyzers. Adding one: write its module, add it here, route a kind to it in
// rules/routing.yaml. The engine needs no change.

import type { Analyzer } from '../engine/types.ts';
import { downloadAnalyzer } from './download/index.ts';

export const analyzers: Analyzer[] = [downloadAnalyzer];
