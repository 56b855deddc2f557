import type { PromptSegment } from './artifact.format.js';

const REFERENCE = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*$/;

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Splits a template into text and `{{ a.b.c }}` references, merging adjacent text. `{{` without a
 * closing `}}` and a malformed reference are errors (the author meant a variable, not text).
 */
export function parseTemplate(template: string): PromptSegment[] {
  const segments: PromptSegment[] = [];
  const pushText = (text: string) => {
    if (!text) return;
    const last = segments.at(-1);
    if (last && 'text' in last) last.text += text;
    else segments.push({ text });
  };
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('{{', at);
    if (open < 0) break;
    const close = template.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError(`"{{" at offset ${open} is never closed`);
    const inner = template.slice(open + 2, close).trim();
    if (!REFERENCE.test(inner)) throw new TemplateError(`"{{${template.slice(open + 2, close)}}}" at offset ${open} is not a variable reference (expected {{name}} or {{input.field}})`);
    pushText(template.slice(at, open));
    segments.push({ ref: inner.split('.') });
    at = close + 2;
  }
  pushText(template.slice(at));
  return segments;
}
