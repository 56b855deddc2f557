export interface TemplateReference {
  /** The expression between the braces, trimmed (e.g. `input.message`). */
  expression: string;
  /** The first segment (`input`, or a variable name). */
  root: string;
  line: number;
  column: number;
}

export type TemplateProblem = { message: string; line: number; column: number };

const EXPRESSION = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Finds `{{ name }}` references in a prompt template; reports unbalanced or malformed ones. */
export function scanTemplate(template: string): { references: TemplateReference[]; problems: TemplateProblem[] } {
  const references: TemplateReference[] = [];
  const problems: TemplateProblem[] = [];
  let index = 0;
  for (;;) {
    const open = template.indexOf('{{', index);
    const strayClose = template.indexOf('}}', index);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      problems.push({ message: 'has "}}" without a matching "{{"', ...position(template, strayClose) });
      index = strayClose + 2;
      continue;
    }
    if (open === -1) break;
    const close = template.indexOf('}}', open + 2);
    const nextOpen = template.indexOf('{{', open + 2);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      problems.push({ message: 'has "{{" that is never closed with "}}"', ...position(template, open) });
      index = open + 2;
      continue;
    }
    const expression = template.slice(open + 2, close).trim();
    if (!EXPRESSION.test(expression)) {
      problems.push({ message: `has "{{${template.slice(open + 2, close)}}}" which is not a variable name (letters, digits, "_" and ".")`, ...position(template, open) });
    } else {
      references.push({ expression, root: expression.split('.')[0]!, ...position(template, open) });
    }
    index = close + 2;
  }
  return { references, problems };
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
