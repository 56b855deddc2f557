export type SubjectCheck = { ok: true } | { ok: false; code: 'SUBJECT_WILDCARD' | 'INVALID_SUBJECT'; message: string };

/** A concrete NATS subject a trigger can listen to: dot-separated tokens, no wildcards. */
export function checkEventSubject(subject: string): SubjectCheck {
  if (subject.length === 0) return { ok: false, code: 'INVALID_SUBJECT', message: 'is empty' };
  if (subject.length > 255) return { ok: false, code: 'INVALID_SUBJECT', message: 'is longer than 255 characters' };
  const tokens = subject.split('.');
  for (const token of tokens) {
    if (token === '') return { ok: false, code: 'INVALID_SUBJECT', message: `"${subject}" has an empty token (leading, trailing or double ".")` };
    if (token === '*' || token === '>' || token.includes('*') || token.includes('>')) {
      return { ok: false, code: 'SUBJECT_WILDCARD', message: `"${subject}" contains a wildcard ("*" or ">"); an event trigger needs a concrete subject` };
    }
    if (!/^[\x21-\x7e]+$/.test(token)) return { ok: false, code: 'INVALID_SUBJECT', message: `"${subject}" contains whitespace or non-ASCII characters` };
  }
  if (subject.startsWith('$')) return { ok: false, code: 'INVALID_SUBJECT', message: `"${subject}" is a reserved system subject ($…)` };
  return { ok: true };
}
