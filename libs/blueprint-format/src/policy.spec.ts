import { describe, expect, it } from '@jest/globals';
import { AUTONOMY_LEVELS, decideAction, decideConfidence, effectiveScope, ruleKind, type ActionPolicy, type PolicyDecision } from './policy.js';
import { SCOPES, type Scope } from './builtins.js';

const policy = (autonomyLevel: string, maxAllowedScope: string | null = 'realWorld', requireApproval: string[] = []): ActionPolicy => ({ autonomyLevel, maxAllowedScope, requireApproval });
const code = (scope: string, name = 'lookup') => ({ name, scope });

describe(decideAction.name, () => {
  // The defaults, every autonomy level × every scope (maxAllowedScope wide open).
  const matrix: Record<string, Record<Scope, PolicyDecision>> = {
    restricted: { internal: 'allow', external: 'deny', realWorld: 'deny' },
    supervised: { internal: 'allow', external: 'require_approval', realWorld: 'require_approval' },
    semi_autonomous: { internal: 'allow', external: 'allow', realWorld: 'require_approval' },
    autonomous: { internal: 'allow', external: 'allow', realWorld: 'allow' },
  };
  for (const level of AUTONOMY_LEVELS) {
    for (const scope of SCOPES) {
      it(`${level} × ${scope} → ${matrix[level]![scope]} by autonomy:${level}:${scope}`, () => {
        const sut = decideAction({ policy: policy(level), tool: code(scope), arguments: {} });
        expect(sut).toEqual({ decision: matrix[level]![scope], rule: `autonomy:${level}:${scope}`, risk: scope, sensitive: false, irreversible: false });
      });
    }
  }

  it('denies any scope above maxAllowedScope, whatever the autonomy level', () => {
    for (const level of AUTONOMY_LEVELS) {
      expect(decideAction({ policy: policy(level, 'internal'), tool: code('external'), arguments: {} })).toMatchObject({ decision: 'deny', rule: 'maxAllowedScope:internal' });
      expect(decideAction({ policy: policy(level, 'external'), tool: code('realWorld'), arguments: {} })).toMatchObject({ decision: 'deny', rule: 'maxAllowedScope:external' });
      // within maxAllowedScope only the autonomy level can deny (restricted does)
      const within = decideAction({ policy: policy(level, 'realWorld'), tool: code('realWorld'), arguments: {} });
      expect(within.rule).toBe(`autonomy:${level}:realWorld`);
    }
  });

  it('treats an absent maxAllowedScope as external (the documented default)', () => {
    expect(decideAction({ policy: policy('autonomous', null), tool: code('external'), arguments: {} }).decision).toBe('allow');
    expect(decideAction({ policy: policy('autonomous', null), tool: code('realWorld'), arguments: {} })).toMatchObject({ decision: 'deny', rule: 'maxAllowedScope:external' });
  });

  it('asks for approval of a tool in requireApproval unless a rule denies it', () => {
    const listed = policy('autonomous', 'realWorld', ['update_crm']);
    expect(decideAction({ policy: listed, tool: code('internal', 'update_crm'), arguments: {} })).toMatchObject({ decision: 'require_approval', rule: 'requireApproval:update_crm' });
    expect(decideAction({ policy: listed, tool: code('internal', 'other'), arguments: {} })).toMatchObject({ decision: 'allow', rule: 'autonomy:autonomous:internal' });
    // restricted: listed internal → approval; listed external → still denied
    expect(decideAction({ policy: policy('restricted', 'realWorld', ['update_crm']), tool: code('internal', 'update_crm'), arguments: {} })).toMatchObject({ decision: 'require_approval', rule: 'requireApproval:update_crm' });
    expect(decideAction({ policy: policy('restricted', 'realWorld', ['update_crm']), tool: code('external', 'update_crm'), arguments: {} })).toMatchObject({ decision: 'deny', rule: 'autonomy:restricted:external' });
    expect(decideAction({ policy: policy('autonomous', 'internal', ['update_crm']), tool: code('external', 'update_crm'), arguments: {} })).toMatchObject({ decision: 'deny', rule: 'maxAllowedScope:internal' });
  });

  it('matches requireApproval by builtin name too, and honours the compiled requiresApproval flag', () => {
    const tool = { name: 'pay', scope: 'realWorld', builtin: 'payment.process' };
    expect(decideAction({ policy: policy('autonomous', 'realWorld', ['payment.process']), tool, arguments: {} })).toMatchObject({ decision: 'require_approval', rule: 'requireApproval:payment.process' });
    expect(decideAction({ policy: policy('autonomous', 'realWorld'), tool: { ...code('internal', 'x'), requiresApproval: true }, arguments: {} })).toMatchObject({ decision: 'require_approval', rule: 'requireApproval:x' });
  });

  it('reports the autonomy rule before a requireApproval entry when both ask for approval', () => {
    expect(decideAction({ policy: policy('supervised', 'realWorld', ['mail']), tool: code('external', 'mail'), arguments: {} })).toMatchObject({ decision: 'require_approval', rule: 'autonomy:supervised:external' });
  });

  it('uses a builtin catalogue scope when it is wider than the declared one, with its flags', () => {
    // payment.process is realWorld in the catalogue: a tool declaring it internal does not make it internal.
    const understated = { name: 'pay', scope: 'internal', builtin: 'payment.process' };
    expect(decideAction({ policy: policy('restricted', 'realWorld'), tool: understated, arguments: {} })).toEqual({ decision: 'deny', rule: 'autonomy:restricted:realWorld', risk: 'realWorld', sensitive: true, irreversible: false });
    expect(decideAction({ policy: policy('semi_autonomous', 'realWorld'), tool: { name: 'mail', scope: 'external', builtin: 'email.send' }, arguments: {} })).toEqual({ decision: 'allow', rule: 'autonomy:semi_autonomous:external', risk: 'external', sensitive: false, irreversible: true });
  });

  it('treats an unknown autonomy level as restricted and an unknown scope as realWorld', () => {
    expect(decideAction({ policy: policy('yolo'), tool: code('external'), arguments: {} })).toMatchObject({ decision: 'deny', rule: 'autonomy:unknown:external' });
    expect(decideAction({ policy: policy('yolo'), tool: code('internal'), arguments: {} })).toMatchObject({ decision: 'allow', rule: 'autonomy:unknown:internal' });
    expect(effectiveScope({ scope: 'galactic' })).toBe('realWorld');
    expect(decideAction({ policy: policy('autonomous', 'external'), tool: code('galactic'), arguments: {} })).toMatchObject({ decision: 'deny', risk: 'realWorld' });
  });

  it('names the kind of a rule for metrics', () => {
    expect(ruleKind('autonomy:supervised:external')).toBe('autonomy');
    expect(ruleKind('requireApproval:update_crm')).toBe('requireApproval');
    expect(ruleKind('maxAllowedScope:internal')).toBe('maxAllowedScope');
  });
});

describe(decideConfidence.name, () => {
  it('accepts without a minimum, without a stated confidence, and at or above the minimum', () => {
    expect(decideConfidence('supervised', null, 0.1)).toEqual({ decision: 'accept' });
    expect(decideConfidence('supervised', 0.7, null)).toEqual({ decision: 'accept' });
    expect(decideConfidence('supervised', 0.7, Number.NaN)).toEqual({ decision: 'accept' });
    expect(decideConfidence('autonomous', 0.7, 0.7)).toEqual({ decision: 'accept' });
    expect(decideConfidence('restricted', 0.7, 0.9)).toEqual({ decision: 'accept' });
  });

  it('below the minimum: restricted and supervised escalate, semi_autonomous and autonomous fail', () => {
    expect(decideConfidence('restricted', 0.7, 0.2)).toEqual({ decision: 'require_approval', rule: 'output.minConfidence' });
    expect(decideConfidence('supervised', 0.7, 0.69)).toEqual({ decision: 'require_approval', rule: 'output.minConfidence' });
    expect(decideConfidence('semi_autonomous', 0.7, 0.2)).toEqual({ decision: 'fail', rule: 'output.minConfidence' });
    expect(decideConfidence('autonomous', 0.7, 0)).toEqual({ decision: 'fail', rule: 'output.minConfidence' });
    expect(decideConfidence('unknown', 0.7, 0)).toEqual({ decision: 'require_approval', rule: 'output.minConfidence' });
  });
});
