import type { PromptSegment } from '@af/contracts';
import { VARIABLE_NAME } from './names.js';

/**
 * The prompt template grammar: literal text with `{{ name }}` / `{{ input.a.b }}` references — each
 * segment a variable name (letters, digits, `_`; not starting with a digit), separated by dots,
 * optional whitespace inside the braces. `{{` not closed before the next `{{` or the end, `}}` with
 * no `{{`, and a reference that is not a name are problems. Validation reports them; compilation
 * refuses a template that has one.
 */
export interface TemplateReference {
  /** The expression between the braces, trimmed (e.g. `input.message`). */
  expression: string;
  /** The first segment (`input`, or a variable name). */
  root: string;
  line: number;
  column: number;
}

export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
  /** UTF-16 offset into the template. */
  offset: number;
}

export interface TemplateScan {
  segments: PromptSegment[];
  references: TemplateReference[];
  /** The first `maxProblems` problems, in order. */
  problems: TemplateProblem[];
  /** Problems found beyond `maxProblems` and not listed. */
  omittedProblems: number;
}

/** Problems listed per template; a hostile template (100 k × `{{`) has tens of thousands. */
export const MAX_TEMPLATE_PROBLEMS = 20;
/** How much of a malformed reference a message quotes. */
const QUOTE_CHARS = 40;

const OPEN = 123; // {
const CLOSE = 125; // }
const NEWLINE = 10;

/**
 * Scans a template once, left to right: time linear in its length, problems capped (the rest
 * counted in `omittedProblems`), each reported with its line and column (1-based).
 */
export function scanTemplate(template: string, maxProblems = MAX_TEMPLATE_PROBLEMS): TemplateScan {
  const segments: PromptSegment[] = [];
  const references: TemplateReference[] = [];
  const problems: TemplateProblem[] = [];
  let omittedProblems = 0;
  const problem = (message: string, offset: number, line: number, column: number) => {
    if (problems.length < maxProblems) problems.push({ message, line, column, offset });
    else omittedProblems++;
  };
  const pushText = (text: string) => {
    if (text === '') return;
    const last = segments.at(-1);
    if (last && 'text' in last) last.text += text;
    else segments.push({ text });
  };

  let line = 1;
  let lineStart = 0;
  let open = -1;
  let openLine = 0;
  let openColumn = 0;
  let textStart = 0;
  const length = template.length;
  let i = 0;
  while (i < length) {
    const c = template.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
      lineStart = i + 1;
      i++;
    } else if (c === OPEN && template.charCodeAt(i + 1) === OPEN) {
      if (open !== -1) problem('has "{{" that is never closed with "}}"', open, openLine, openColumn);
      else pushText(template.slice(textStart, i));
      open = i;
      openLine = line;
      openColumn = i - lineStart + 1;
      i += 2;
    } else if (c === CLOSE && template.charCodeAt(i + 1) === CLOSE) {
      if (open === -1) {
        problem('has "}}" without a matching "{{"', i, line, i - lineStart + 1);
      } else {
        const raw = template.slice(open + 2, i);
        const expression = raw.trim();
        const parts = expression.split('.');
        if (parts.every((part) => VARIABLE_NAME.test(part))) {
          references.push({ expression, root: parts[0]!, line: openLine, column: openColumn });
          segments.push({ ref: parts });
        } else {
          problem(`has "{{${quote(raw)}}}" which is not a variable name (letters, digits, "_" and ".")`, open, openLine, openColumn);
        }
        open = -1;
      }
      i += 2;
      textStart = i;
    } else {
      i++;
    }
  }
  if (open !== -1) problem('has "{{" that is never closed with "}}"', open, openLine, openColumn);
  else pushText(template.slice(textStart));
  return { segments, references, problems, omittedProblems };
}

function quote(raw: string): string {
  return raw.length > QUOTE_CHARS ? `${raw.slice(0, QUOTE_CHARS - 1)}…` : raw;
}
