import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { AppError, ErrorCode } from '@af/errors';

export function encode<D extends DescMessage>(schema: D, init: MessageInitShape<D>): Uint8Array {
  return toBinary(schema, create(schema, init));
}

/** Decodes a payload; a malformed one is the sender's fault, never a crash. */
export function decode<D extends DescMessage>(schema: D, data: Uint8Array): MessageShape<D> {
  try {
    return fromBinary(schema, data);
  } catch (error) {
    throw new AppError(ErrorCode.InvalidArgument, `payload is not a valid ${schema.typeName}`, { cause: error });
  }
}
