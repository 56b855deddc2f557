import { describe, expect, it } from '@jest/globals';
import { create } from '@bufbuild/protobuf';
import { ApprovalPolicySchema } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { resolvePolicy } from './escalation-policy.js';

const bounds = { defaultDeadlineSec: 86_400, minDeadlineSec: 10 };
const policy = (quorum: number, levels: { roles?: string[]; deadlineSeconds?: number }[]) => create(ApprovalPolicySchema, { quorum, levels });

describe(resolvePolicy.name, () => {
  it('defaults: quorum 1, any holder of the permission, then Administrators, each with the default deadline', () => {
    expect(resolvePolicy(undefined, 'ApproveActions', bounds)).toEqual({
      quorum: 1,
      levels: [
        { roles: [], deadlineSeconds: 86_400 },
        { roles: ['Administrator'], deadlineSeconds: 86_400 },
      ],
    });
  });

  it('takes the request’s levels, filling a 0 deadline with the default', () => {
    expect(resolvePolicy(policy(2, [{ roles: ['ProductManager', 'ProductManager'], deadlineSeconds: 60 }, {}]), 'ApproveActions', bounds)).toEqual({
      quorum: 2,
      levels: [
        { roles: ['ProductManager'], deadlineSeconds: 60 },
        { roles: [], deadlineSeconds: 86_400 },
      ],
    });
  });

  it.each([
    [policy(6, []), '/policy/quorum'],
    [policy(1, Array.from({ length: 6 }, () => ({}))), '/policy/levels'],
    [policy(1, [{ deadlineSeconds: 9 }]), '/policy/levels/0/deadlineSeconds'],
    [policy(1, [{}, { deadlineSeconds: 30 * 86_400 + 1 }]), '/policy/levels/1/deadlineSeconds'],
    [policy(1, [{ roles: ['Owner'] }]), '/policy/levels/0/roles/0'],
  ])('refuses an out-of-bounds policy (case %#)', (input, path) => {
    expect(() => resolvePolicy(input, 'ApproveActions', bounds)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, path }));
  });

  it('refuses a level whose roles cannot hold the permission: nobody could decide', () => {
    expect(() => resolvePolicy(policy(1, [{ roles: ['ProductManager'] }]), 'ApproveRealWorld', bounds)).toThrow(expect.objectContaining({ path: '/policy/levels/0/roles/0' }));
    expect(resolvePolicy(policy(1, [{ roles: ['Administrator'] }]), 'ApproveRealWorld', bounds).levels[0]?.roles).toEqual(['Administrator']);
  });

  it('lets tests lower the floor', () => {
    expect(resolvePolicy(policy(1, [{ deadlineSeconds: 1 }]), 'ApproveActions', { ...bounds, minDeadlineSec: 1 }).levels[0]?.deadlineSeconds).toBe(1);
  });
});
