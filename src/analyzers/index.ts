// The registry of analyzers. Adding one: write its module, add it here, route a kind to it in
// rules/routing.yaml. The engine needs no change.

import type { Analyzer } from '../engine/types.ts';
import { emailAnalyzer } from './mail/email.ts';
import { msgAnalyzer } from './mail/msg.ts';
import { downloadAnalyzer } from './download/index.ts';
import { archiveAnalyzer } from './archive/index.ts';
import { smugglingAnalyzer } from './smuggling/index.ts';
import { htaAnalyzer, wsfAnalyzer } from './wsf/index.ts';
import { lnkAnalyzer } from './lnk/index.ts';
import { onenoteAnalyzer } from './onenote/index.ts';
import { peAnalyzer } from './pe/index.ts';
import { yaraAnalyzer } from './yara/index.ts';
import { textAnalyzer } from './text/index.ts';
import { htmlAnalyzer } from './html/index.ts';
import { urlAnalyzer } from './url/index.ts';
import { jscriptAnalyzer } from './jscript/index.ts';
import { cmdlineAnalyzer } from './cmdline/index.ts';
import { powershellAnalyzer } from './powershell/index.ts';
import { vbscriptAnalyzer } from './vbscript/index.ts';

export const analyzers: Analyzer[] = [emailAnalyzer, msgAnalyzer, downloadAnalyzer, archiveAnalyzer, smugglingAnalyzer, wsfAnalyzer, htaAnalyzer, lnkAnalyzer, onenoteAnalyzer, peAnalyzer, yaraAnalyzer, textAnalyzer, htmlAnalyzer, urlAnalyzer, jscriptAnalyzer, cmdlineAnalyzer, powershellAnalyzer, vbscriptAnalyzer];
