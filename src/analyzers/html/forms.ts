// Forms that collect a password. Mail never needs one; an HTML attachment or a page behind a link that posts a
// password to another host is a credential-harvesting kit.

import type { FindingHit } from '../../engine/types.ts';
import type { FormInfo } from './render.ts';
import { hostOf } from './urls.ts';

/**
 * Findings for forms with a password field. `resolve` makes an action absolute; `pageHost` is the host that
 * served the page (undefined for mail content, where every absolute action is another site).
 */
export function passwordFormFindings(
  forms: readonly FormInfo[],
  resolve: (action: string) => string | undefined,
  pageHost: string | undefined,
  where: string,
): FindingHit[] {
  const findings: FindingHit[] = [];
  for (const form of forms) {
    if (form.passwordFields === 0) continue;
    const action = form.action ? resolve(form.action) : undefined;
    const actionHost = hostOf(action);
    const fields = form.inputs.length > 0 ? ` (fields: ${form.inputs.join(', ')})` : '';
    if (actionHost && actionHost !== pageHost) {
      findings.push({ id: 'html.form.credentials-external', evidence: `form ${form.method.toUpperCase()} ${action} with a password field${fields}` });
    } else {
      findings.push({ id: 'html.form.password', evidence: `password field in ${where}${form.action ? `, form action "${form.action}"` : ''}${fields}` });
    }
  }
  return findings;
}
