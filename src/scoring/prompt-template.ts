// Judge prompt templates a user supplies as files, in Python `str.format` syntax, so upstream
// prompts written as `"""...{user_query}...""".format(...)` can be pasted in unchanged (after the
// `textwrap.dedent` upstream applies): `{name}` is a field, `{{` and `}}` are literal braces. A
// template is checked when it is read: unknown fields, a missing required field and a lone brace
// are errors naming file:line:column, so a typo fails before the first judge call, not in a prompt.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/index.js';

type Piece = { text: string } | { field: string };

export interface PromptTemplate {
  /** Where it came from (a file path, or 'built-in'). */
  readonly source: string;
  readonly fields: readonly string[];
  fill(values: Record<string, string>): string;
}

function position(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `${line}:${index - before.lastIndexOf('\n')}`;
}

/** Parses Python format syntax; `allowed` fields only, every `required` field at least once. */
export function parseTemplate(
  text: string,
  source: string,
  { allowed, required = allowed }: { allowed: readonly string[]; required?: readonly string[] },
): PromptTemplate {
  const pieces: Piece[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if ((char === '{' || char === '}') && text[i + 1] === char) {
      literal += char;
      i++;
      continue;
    }
    if (char === '}')
      throw new ConfigError(`${source}:${position(text, i)}: a single '}' (write '}}' for a literal brace)`);
    if (char !== '{') {
      literal += char;
      continue;
    }
    const end = text.indexOf('}', i);
    const name = end < 0 ? '' : text.slice(i + 1, end);
    if (end < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new ConfigError(
        `${source}:${position(text, i)}: '{' does not start a field such as {${allowed[0]}} (write '{{' for a literal brace)`,
      );
    if (!allowed.includes(name))
      throw new ConfigError(
        `${source}:${position(text, i)}: unknown field {${name}}; this template knows ${allowed.map((f) => `{${f}}`).join(', ')}`,
      );
    if (literal) pieces.push({ text: literal });
    literal = '';
    pieces.push({ field: name });
    i = end;
  }
  if (literal) pieces.push({ text: literal });
  const fields = [...new Set(pieces.flatMap((piece) => ('field' in piece ? [piece.field] : [])))];
  const missing = required.filter((field) => !fields.includes(field));
  if (missing.length > 0)
    throw new ConfigError(
      `${source}: the template never uses ${missing.map((f) => `{${f}}`).join(', ')}, so the judge would not see it`,
    );
  return {
    source,
    fields,
    fill: (values) => pieces.map((piece) => ('text' in piece ? piece.text : (values[piece.field] ?? ''))).join(''),
  };
}

/** Reads and checks a template file (UTF-8; a BOM is dropped). */
export function readTemplate(
  path: string,
  fields: { allowed: readonly string[]; required?: readonly string[] },
): PromptTemplate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${path}: cannot read the template (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return parseTemplate(text.replace(/^\uFEFF/, ''), path, fields);
}
