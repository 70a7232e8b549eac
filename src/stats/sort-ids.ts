// Row indices sorted by their string id, ties by row: the order a summary groups units by sample in.
// The comparison is JavaScript's `a < b` (UTF-16 code units, a prefix first), so the order is
// exactly `indices.sort((x, y) => ids[x] < ids[y] ? -1 : ids[x] > ids[y] ? 1 : x - y)`; a comparator
// sort calls back into JavaScript ~20 times per id (0.7 s for a million), so this is a multikey
// quicksort (Bentley & Sedgewick 1997) on one code unit at a time, with no callback.

const SMALL = 12;

function codeAt(id: string, depth: number): number {
  return depth < id.length ? id.charCodeAt(depth) : -1;
}

/** Sorts `indices` in place by (ids[index], index) and returns it. */
export function sortIndicesById(ids: readonly string[], indices: Uint32Array): Uint32Array {
  // Ranges left to sort as (start, end, depth): every id in [start, end) has the same first `depth` units.
  const stack: number[] = [0, indices.length, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    if (end - start < 2) continue;
    if (end - start <= SMALL) {
      insertionSort(ids, indices, start, end);
      continue;
    }
    const first = codeAt(ids[indices[start]!]!, depth);
    const middle = codeAt(ids[indices[(start + end) >>> 1]!]!, depth);
    const last = codeAt(ids[indices[end - 1]!]!, depth);
    const pivot = Math.max(Math.min(first, middle), Math.min(Math.max(first, middle), last));
    // Three-way partition on the code unit at `depth`: [start, less) < pivot, [less, greater] = pivot.
    let less = start;
    let greater = end - 1;
    let position = start;
    while (position <= greater) {
      const index = indices[position]!;
      const code = codeAt(ids[index]!, depth);
      if (code < pivot) {
        indices[position++] = indices[less]!;
        indices[less++] = index;
      } else if (code > pivot) {
        indices[position] = indices[greater]!;
        indices[greater--] = index;
      } else position++;
    }
    stack.push(start, less, depth, greater + 1, end, depth);
    // Equal at `depth`: the next unit decides, unless the ids ended here (then they are equal and
    // only the row order is left).
    if (pivot === -1) indices.subarray(less, greater + 1).sort();
    else stack.push(less, greater + 1, depth + 1);
  }
  return indices;
}

function insertionSort(ids: readonly string[], indices: Uint32Array, start: number, end: number): void {
  for (let position = start + 1; position < end; position++) {
    const index = indices[position]!;
    const id = ids[index]!;
    let before = position - 1;
    while (before >= start) {
      const other = indices[before]!;
      const otherId = ids[other]!;
      if (otherId < id || (otherId === id && other < index)) break;
      indices[before + 1] = other;
      before--;
    }
    indices[before + 1] = index;
  }
}
