import { describe, expect, it } from '@jest/globals';
import { ExecuteRunSchema } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { decode, encode } from './codec.js';

describe('codec', () => {
  it('round-trips a contract message', () => {
    const bytes = encode(ExecuteRunSchema, { runId: 'r', agent: 'a', version: 1, artifactHash: 'h', inputJson: '{}' });
    expect(decode(ExecuteRunSchema, bytes)).toMatchObject({ runId: 'r', version: 1 });
  });

  it('turns garbage into INVALID_ARGUMENT instead of a crash', () => {
    expect(() => decode(ExecuteRunSchema, new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});
