import { checkCredentials, normalizeHost } from '@af/blueprint-format';
import type { Findings } from './findings.js';
import { asArray, asObject, type BlueprintView } from './blueprint-view.js';

/**
 * `spec.network.credentials`: the rules of @af/blueprint-format (the same the compiler and the
 * worker apply). A problem at a path the schema tier already reported is not repeated.
 */
export function networkCredentials(view: BlueprintView, findings: Findings): void {
  const network = asObject(view.spec['network']);
  if (!network || network['credentials'] === undefined) return;
  const allowHosts = asArray(network['allowHosts']).flatMap((h) => (typeof h === 'string' ? [normalizeHost(h)] : []));
  for (const problem of checkCredentials(network['credentials'], allowHosts).problems) {
    if (findings.hasErrorAt(problem.path)) continue;
    findings.error('semantic', problem.code, problem.path, problem.message);
    if (problem.code === 'CREDENTIAL_HOST_NOT_ALLOWED') findings.suggest('/spec/network/allowHosts', 'add the host to spec.network.allowHosts, or remove it from the credentials entry');
  }
}
