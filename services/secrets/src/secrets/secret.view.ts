import type { MessageInitShape } from '@bufbuild/protobuf';
import type { SecretMetadataSchema } from '@af/contracts';
import type { SecretRow } from './secret.repository.js';

/** The wire form of a secret: metadata only, never the value nor anything derived from it but its length. */
export function toSecretMetadata(row: SecretRow): MessageInitShape<typeof SecretMetadataSchema> {
  return {
    name: row.name,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
    description: row.description,
    size: row.size,
  };
}
