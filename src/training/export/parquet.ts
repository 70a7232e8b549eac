// Parquet with real nested columns (verl and the HF loaders read `prompt` as a list of {role, content} structs,
// not JSON text), written by hyparquet-writer from an explicit schema: strings are UTF8 byte arrays, lists use
// the standard three-level LIST layout, structs are groups.
import type { SchemaElement } from 'hyparquet';
import { parquetWriteFile } from 'hyparquet-writer';

export type Column =
  | { name: string; kind: 'string' | 'int64' | 'int32'; required?: boolean }
  | { name: string; kind: 'list'; of: Column }
  | { name: string; kind: 'struct'; fields: Column[] };

function elements(column: Column): SchemaElement[] {
  const repetition: SchemaElement['repetition_type'] =
    column.kind !== 'list' && column.kind !== 'struct' && column.required ? 'REQUIRED' : 'OPTIONAL';
  switch (column.kind) {
    case 'string':
      return [{ name: column.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: repetition }];
    case 'int64':
      return [{ name: column.name, type: 'INT64', repetition_type: repetition }];
    case 'int32':
      return [{ name: column.name, type: 'INT32', repetition_type: repetition }];
    case 'list':
      return [
        { name: column.name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...elements({ ...column.of, name: 'element' }),
      ];
    case 'struct':
      return [
        { name: column.name, repetition_type: 'OPTIONAL', num_children: column.fields.length },
        ...column.fields.flatMap(elements),
      ];
  }
}

const INT64 = (value: unknown) => (typeof value === 'number' ? BigInt(value) : value);

/** Values as hyparquet-writer takes them: INT64 leaves as bigint, recursively. */
function prepare(column: Column, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (column.kind) {
    case 'int64':
      return INT64(value);
    case 'list':
      return (value as unknown[]).map((item) => prepare(column.of, item));
    case 'struct':
      return Object.fromEntries(
        column.fields.map((field) => [field.name, prepare(field, (value as Record<string, unknown>)[field.name])]),
      );
    default:
      return value;
  }
}

/** Writes `rows` (objects keyed by column name) to `file` with the given columns. */
export function writeParquet(file: string, columns: Column[], rows: Record<string, unknown>[]): void {
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }, ...columns.flatMap(elements)];
  parquetWriteFile({
    filename: file,
    schema,
    columnData: columns.map((column) => ({
      name: column.name,
      data: rows.map((row) => prepare(column, row[column.name])),
    })),
    kvMetadata: [{ key: 'writer', value: 'medkit export' }],
  });
}
