/** How far a tool acts, narrowest first: `internal` < `external` < `realWorld`. */
export const SCOPES = ['internal', 'external', 'realWorld'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return (SCOPES as readonly unknown[]).includes(value);
}

/** The rank of a scope (internal 0, external 1, realWorld 2); -1 for anything else. */
export function scopeRank(scope: unknown): number {
  return SCOPES.indexOf(scope as Scope);
}

export interface BuiltinSpec {
  readonly name: string;
  /** The narrowest scope the builtin really acts at: a tool declaring less understates it. */
  readonly scope: Scope;
  /** Changes records or money of someone else: running it without human approval is flagged. */
  readonly sensitive: boolean;
  /** Its effect cannot be undone by the platform (a sent mail, a deleted contact). */
  readonly irreversible: boolean;
  readonly summary: string;
}

/** The builtin tools of the platform: the one catalogue validation, compilation, the worker and governance read. */
export const BUILTINS = {
  'http.request': { name: 'http.request', scope: 'external', sensitive: false, irreversible: false, summary: 'an HTTP request to an allowed host' },
  'email.send': { name: 'email.send', scope: 'external', sensitive: false, irreversible: true, summary: 'sends an email' },
  'crm.update': { name: 'crm.update', scope: 'external', sensitive: true, irreversible: false, summary: 'updates a CRM record' },
  'payment.process': { name: 'payment.process', scope: 'realWorld', sensitive: true, irreversible: false, summary: 'authorizes a payment (refundable)' },
  'contact.delete': { name: 'contact.delete', scope: 'external', sensitive: true, irreversible: true, summary: 'deletes a contact' },
} as const satisfies Record<string, BuiltinSpec>;

export type BuiltinName = keyof typeof BUILTINS;
export const BUILTIN_NAMES = Object.keys(BUILTINS) as BuiltinName[];

export function isBuiltinName(value: unknown): value is BuiltinName {
  return typeof value === 'string' && Object.hasOwn(BUILTINS, value);
}

export function builtinSpec(name: unknown): BuiltinSpec | undefined {
  return isBuiltinName(name) ? BUILTINS[name] : undefined;
}
