import type { JsonValue, PromptSegment } from '../artifacts/artifact.js';

/**
 * Renders pre-parsed template segments: `{{input.a.b}}` reads the run input, any other reference
 * a prompt variable. Strings are inserted as is, other values as JSON, missing ones as "".
 */
export function renderPrompt(segments: readonly PromptSegment[], scope: { input: JsonValue; variables: Record<string, JsonValue> }): string {
  return segments
    .map((segment) => {
      if ('text' in segment) return segment.text;
      const [root, ...rest] = segment.ref;
      let value: unknown = root === 'input' ? scope.input : scope.variables[root as string];
      for (const key of root === 'input' ? rest : rest) {
        value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
      }
      if (value === undefined || value === null) return '';
      return typeof value === 'string' ? value : JSON.stringify(value);
    })
    .join('');
}
