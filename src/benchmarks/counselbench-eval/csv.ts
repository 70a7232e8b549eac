// A small RFC 4180 CSV reader: quoted fields with embedded commas, quotes ("") and newlines, CRLF
// or LF line ends. Rows keep the line number they start on so errors can name file:line.

export interface CsvRow {
  /** 1-based line of the file where the row starts. */
  line: number;
  fields: string[];
}

export function parseCsv(text: string, file = '(csv)'): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let rowLine = 1;
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0; // BOM
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  for (; index < text.length; index++) {
    const char = text[index]!;
    if (inQuotes) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index++;
        } else inQuotes = false;
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"' && field === '') inQuotes = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      endRow();
      line++;
      rowLine = line;
    } else field += char;
  }
  if (inQuotes) throw new Error(`${file}:${rowLine}: a quoted field is never closed`);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/** Rows as objects keyed by the header; `missing` lists wanted columns the header lacks. */
export function csvRecords(
  text: string,
  file: string,
  wanted: readonly string[] = [],
): { header: string[]; records: { line: number; values: Record<string, string> }[]; missing: string[] } {
  const rows = parseCsv(text, file);
  if (rows.length === 0) return { header: [], records: [], missing: [...wanted] };
  const header = rows[0]!.fields.map((name) => name.trim());
  const records = rows.slice(1).map((row) => {
    const values: Record<string, string> = {};
    header.forEach((name, column) => {
      values[name] = row.fields[column] ?? '';
    });
    return { line: row.line, values };
  });
  return { header, records, missing: wanted.filter((name) => !header.includes(name)) };
}
