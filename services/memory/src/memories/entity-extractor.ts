/**
 * The offline entity extractor of the semantic tier: deterministic (same text → same entities, in
 * order of first appearance), no model. It finds
 * - e-mail addresses (kind `email`, lower-cased);
 * - amounts with a currency: `$1,200`, `€ 30.5k`, `1200 EUR`, `40 dollars` (kind `amount`);
 * - dates: ISO `2024-05-01` and written `May 1, 2024` / `1 May 2024` (kind `date`);
 * - capitalised names, multi-word ones kept together (`Ada Lovelace`, `Acme Corp`): `organization`
 *   when the last word is a company suffix, `person` for two or three words, else `concept`.
 *   Sentence-initial function words, weekdays and months are not names.
 * Bounded: at most {@link MAX_ENTITIES} entities of at most {@link MAX_ENTITY_CHARS} characters.
 */
export type EntityKind = 'person' | 'organization' | 'email' | 'amount' | 'date' | 'concept';

export interface ExtractedEntity {
  name: string;
  kind: EntityKind;
}

export const MAX_ENTITIES = 50;
export const MAX_ENTITY_CHARS = 100;

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const AMOUNT = /(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|bn|million|billion)\b)?|\b\d[\d,]*(?:\.\d+)?\s?(?:k|m|million|billion)?\s?(?:USD|EUR|GBP|CHF|JPY|dollars?|euros?|pounds?)\b)/gi;
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/g;
const WRITTEN_DATE = new RegExp(`\\b(?:(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${MONTHS})\\.?,?\\s+\\d{4})\\b`, 'g');
const NAME = /\b[A-Z][a-zA-Z'’-]*[a-z][a-zA-Z'’-]*(?:\s+(?:[A-Z][a-zA-Z'’-]*[a-z][a-zA-Z'’-]*|&))*\b/g;
const ORG_SUFFIX = /\b(?:Inc|Ltd|LLC|GmbH|AG|SA|Corp|Corporation|Company|Co|Bank|Group|Labs|University|Foundation)$/;
const NOT_NAMES = new Set(
  `A An The This That These Those It Its I We You He She They Our Your My His Her Their If When Then And But Or So Please Thanks Thank Hello Hi Dear Yes No Not Also After Before During Today Tomorrow Yesterday Monday Tuesday Wednesday Thursday Friday Saturday Sunday ${MONTHS.replace(/\|/g, ' ')}`.split(' '),
);

export function extractEntities(text: string): ExtractedEntity[] {
  const found: { at: number; entity: ExtractedEntity }[] = [];
  const taken: [number, number][] = [];
  const overlaps = (start: number, end: number) => taken.some(([s, e]) => start < e && end > s);
  const collect = (pattern: RegExp, kind: EntityKind | ((m: string) => EntityKind | null), normalize: (m: string) => string = (m) => m) => {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (overlaps(start, end)) continue;
      const raw = match[0].trim();
      const k = typeof kind === 'function' ? kind(raw) : kind;
      if (!k) continue;
      taken.push([start, end]);
      found.push({ at: start, entity: { name: normalize(raw).slice(0, MAX_ENTITY_CHARS), kind: k } });
    }
  };
  collect(EMAIL, 'email', (m) => m.toLowerCase());
  collect(ISO_DATE, 'date');
  collect(WRITTEN_DATE, 'date', (m) => m.replace(/\s+/g, ' '));
  collect(AMOUNT, 'amount', (m) => m.replace(/\s+/g, ' '));
  collect(NAME, nameKind, trimName);
  found.sort((a, b) => a.at - b.at);
  const seen = new Set<string>();
  const entities: ExtractedEntity[] = [];
  for (const { entity } of found) {
    if (!entity.name || seen.has(entity.name)) continue;
    seen.add(entity.name);
    entities.push(entity);
    if (entities.length >= MAX_ENTITIES) break;
  }
  return entities;
}

function trimName(raw: string): string {
  // Leading function words ("The Acme Corp" → "Acme Corp") and trailing connectors go.
  const words = raw.split(/\s+/);
  while (words.length > 0 && NOT_NAMES.has(words[0]!)) words.shift();
  while (words.length > 0 && words.at(-1) === '&') words.pop();
  return words.join(' ');
}

function nameKind(raw: string): EntityKind | null {
  const name = trimName(raw);
  if (!name) return null;
  if (ORG_SUFFIX.test(name)) return 'organization';
  const words = name.split(' ').length;
  if (words >= 2 && words <= 3) return 'person';
  return 'concept';
}
