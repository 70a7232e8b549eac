// A faithful port of Python's difflib.SequenceMatcher (CPython 3.x, isjunk=None) for what
// CounselBench uses: ratio() = 2·M / T over the Ratcliff–Obershelp matching blocks. It keeps
// Python's "autojunk" rule: when b has at least 200 items, items that occur more than
// len(b) // 100 + 1 times are "popular" and never start a match (they may still extend one).
// Strings are compared by Unicode code point, as Python does.

export interface MatchBlock {
  a: number;
  b: number;
  size: number;
}

export class SequenceMatcher<T = string> {
  private readonly a: readonly T[];
  private readonly b: readonly T[];
  private readonly b2j = new Map<T, number[]>();
  private blocks: MatchBlock[] | undefined;

  constructor(a: string | readonly T[], b: string | readonly T[], { autojunk = true } = {}) {
    this.a = (typeof a === 'string' ? Array.from(a) : a) as readonly T[];
    this.b = (typeof b === 'string' ? Array.from(b) : b) as readonly T[];
    this.b.forEach((element, index) => {
      const indices = this.b2j.get(element);
      if (indices) indices.push(index);
      else this.b2j.set(element, [index]);
    });
    const n = this.b.length;
    if (autojunk && n >= 200) {
      const ntest = Math.floor(n / 100) + 1;
      for (const [element, indices] of [...this.b2j]) if (indices.length > ntest) this.b2j.delete(element);
    }
  }

  /** Longest matching block in a[alo:ahi] and b[blo:bhi]; ties go to the earliest in a, then in b. */
  findLongestMatch(alo: number, ahi: number, blo: number, bhi: number): MatchBlock {
    const { a, b, b2j } = this;
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const newj2len = new Map<number, number>();
      for (const j of b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        newj2len.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = newj2len;
    }
    // With isjunk=None there are no junk items, so Python's junk-extension loops are no-ops; the
    // extension over equal (possibly popular) items is what remains.
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return { a: besti, b: bestj, size: bestsize };
  }

  /** Python's get_matching_blocks(): sorted, adjacent blocks collapsed, ending with the (la, lb, 0) sentinel. */
  getMatchingBlocks(): MatchBlock[] {
    if (this.blocks) return this.blocks;
    const la = this.a.length;
    const lb = this.b.length;
    const queue: [number, number, number, number][] = [[0, la, 0, lb]];
    const found: MatchBlock[] = [];
    while (queue.length > 0) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const match = this.findLongestMatch(alo, ahi, blo, bhi);
      const { a: i, b: j, size: k } = match;
      if (k > 0) {
        found.push(match);
        if (alo < i && blo < j) queue.push([alo, i, blo, j]);
        if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
      }
    }
    found.sort((left, right) => left.a - right.a || left.b - right.b || left.size - right.size);
    const collapsed: MatchBlock[] = [];
    let i1 = 0;
    let j1 = 0;
    let k1 = 0;
    for (const { a: i2, b: j2, size: k2 } of found) {
      if (i1 + k1 === i2 && j1 + k1 === j2) k1 += k2;
      else {
        if (k1 > 0) collapsed.push({ a: i1, b: j1, size: k1 });
        i1 = i2;
        j1 = j2;
        k1 = k2;
      }
    }
    if (k1 > 0) collapsed.push({ a: i1, b: j1, size: k1 });
    collapsed.push({ a: la, b: lb, size: 0 });
    this.blocks = collapsed;
    return collapsed;
  }

  /** 2·M / T, where M = matched items and T = len(a) + len(b); 1.0 when both are empty. */
  ratio(): number {
    const matches = this.getMatchingBlocks().reduce((sum, block) => sum + block.size, 0);
    const length = this.a.length + this.b.length;
    return length > 0 ? (2 * matches) / length : 1;
  }
}

/** difflib.SequenceMatcher(None, a, b).ratio(). */
export function sequenceRatio(a: string, b: string): number {
  return new SequenceMatcher(a, b).ratio();
}
