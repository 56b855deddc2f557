/** A JSON value. The one definition lives in @af/contracts (the artifact format); this is it, re-exported. */
export type { JsonValue } from '@af/contracts';
