/**
 * Canonical JSON and content hashes are rules of the blueprint format: they live once, in
 * @af/blueprint-format (RFC 8785). This module only names them for the compilation service.
 */
export { canonicalJson, sha256, type JsonValue } from '@af/blueprint-format';
