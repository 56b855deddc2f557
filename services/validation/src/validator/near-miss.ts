/** Optimal-string-alignment distance (Levenshtein + adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[rows - 1]![cols - 1]!;
}

const MAX_COMPARED_LENGTH = 64;

/**
 * The candidate closest to `value` when it is a plausible typo: at most a third of its length
 * away (at least 1, at most 3 edits). Long strings are not compared (bounded work).
 */
export function nearest(value: string, candidates: Iterable<string>): string | undefined {
  if (value.length === 0 || value.length > MAX_COMPARED_LENGTH) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(value.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === value || candidate.length > MAX_COMPARED_LENGTH) continue;
    if (Math.abs(candidate.length - value.length) > limit) continue;
    const distance = editDistance(value, candidate);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
