/** A run's input as typed in the form: a JSON object, or why it is not one (with the position JSON.parse gives). */
export function parseRunInput(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `The input is not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'The input must be a JSON object, e.g. {"message": "Hello"}.' };
  return { ok: true, value: value as Record<string, unknown> };
}
