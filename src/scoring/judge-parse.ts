// Tolerant parsing of judge and grader output: "Key: value" lines (with bullets, bold, numbering
// and any case) and JSON objects inside code fences or prose. Pure functions; the benchmarks map
// the raw values onto their own scales and record what could not be read as per-item errors.

export type JsonParse = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/**
 * The first JSON object in `text`: a ```json fenced block is tried first (HealthBench strips the
 * fences the same way), then the first balanced `{...}` in the text.
 */
export function extractJsonObject(text: string): JsonParse {
  const candidates: string[] = [];
  const fence = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(text);
  if (fence) candidates.push(fence[1]!.trim());
  const braced = firstBalancedObject(text);
  if (braced !== undefined) candidates.push(braced);
  candidates.push(text.trim());
  let lastError = 'no JSON object found';
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        return { ok: true, value: value as Record<string, unknown> };
      lastError = `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`;
    } catch (error) {
      lastError = `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  return { ok: false, error: text.trim() === '' ? 'empty output' : lastError };
}

/** The first `{...}` whose braces balance, skipping braces inside JSON strings. */
function firstBalancedObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) return text.slice(start, index + 1);
    }
  }
  return undefined;
}

/** A key looked up case-insensitively (`Medical Advice` matches `medical advice`, `MEDICAL_ADVICE`). */
export function normalizeKey(key: string): string {
  return key
    .toLowerCase()
    .replace(/[*_`#]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Raw values of `Key: value` lines for the keys asked for. Tolerates leading bullets (`-`, `*`, `•`),
 * numbering (`1.`), markdown bold around the key or the value, and `=` instead of `:`. When a key
 * appears twice the first line wins (and `duplicates` names it). Keys not found are absent.
 */
export function parseKeyedLines(
  text: string,
  keys: readonly string[],
): { values: Record<string, string>; duplicates: string[] } {
  const wanted = new Map(keys.map((key) => [normalizeKey(key), key]));
  const values: Record<string, string> = {};
  const duplicates: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/^\s*(?:[-*•>]+|\d+[.)])\s*/, '');
    const match = /^([^:=]{1,60}?)\s*[:=]\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = wanted.get(normalizeKey(match[1]!));
    if (key === undefined) continue;
    const value = match[2]!
      .replace(/\*\*/g, '')
      .replace(/^[*_`\s]+|[*_`\s]+$/g, '')
      .trim();
    if (key in values) {
      duplicates.push(key);
      continue;
    }
    values[key] = value;
  }
  return { values, duplicates };
}
