// The sample table of a run, filtered, sorted and paged by the server (or by the bundle's copy of
// the same function): the browser holds one page. It stays readable at any width: fixed column
// widths, output and error text clipped to two lines with a per-row expand, and the reader picks
// which score columns to show (the headline's scorers first by default). The picked columns live in
// the hash (`cols=`), so paging and links keep them.
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { fmt, h, hashOf, link, navigate } from '../ui.js';

type Json = any;

const DEFAULT_SCORE_COLUMNS = 4;
const CLIP = 90; // characters past which a cell offers "expand"

/** The score columns shown when the reader picked none: headline scorers first, then the others in order. */
export function defaultColumns(scoreKeys: string[], headline: { scorer: string }[]): string[] {
  const first = scoreKeys.filter((key) =>
    headline.some(({ scorer }) => key === scorer || key.startsWith(`${scorer}.`)),
  );
  const rest = scoreKeys.filter((key) => !first.includes(key));
  return [...first, ...rest].slice(0, Math.max(DEFAULT_SCORE_COLUMNS, first.length));
}

/** Text clipped to two lines; expand shows it whole, fetching the full text when the row has a preview only. */
function ClipText({ text, kind, full }: { text: string; kind: string; full?: (() => Promise<string>) | undefined }) {
  const [open, setOpen] = useState(false);
  const [whole, setWhole] = useState<string | null>(null);
  if (!text) return null;
  const long = text.length > CLIP || text.includes('\n') || full !== undefined;
  const toggle = async () => {
    setOpen(!open);
    if (!open && full && whole === null) {
      try {
        setWhole(await full());
      } catch (error) {
        setWhole(`${text}\n(the whole text could not be loaded: ${error instanceof Error ? error.message : error})`);
      }
    }
  };
  return h(
    'div',
    { class: `cell-text ${kind}` },
    h('div', { class: open ? 'text' : 'text clip' }, open ? (whole ?? text) : text),
    long
      ? h(
          'button',
          { type: 'button', class: 'expand', 'aria-expanded': open, onClick: toggle },
          open ? 'collapse' : 'expand',
        )
      : null,
  );
}

function SampleTable({ run, page, info, query }: { run: string; page: Json; info: Json; query: Json }) {
  const scoreKeys: string[] = info.scoreKeys;
  const hasGroups = Object.keys(info.groups).length > 0;
  const initial: string[] = query.cols
    ? String(query.cols)
        .split(',')
        .filter((key) => scoreKeys.includes(key))
    : defaultColumns(scoreKeys, info.listing.headline ?? []);
  const [columns, setColumns] = useState<string[]>(initial);
  const pick = (key: string, on: boolean) => {
    const next = scoreKeys.filter((candidate) => (candidate === key ? on : columns.includes(candidate)));
    setColumns(next);
    history.replaceState(null, '', hashOf('run', { ...query, cols: next.join(',') || '-' }));
  };
  // widths in rem; the output column takes what is left, never less than 16rem (the wrapper scrolls)
  const widths = { sample: 9, epoch: 3.5, score: 6.5, groups: 9, error: 12, tokens: 5, output: 16 };
  const minWidth =
    widths.sample +
    widths.epoch +
    columns.length * widths.score +
    (hasGroups ? widths.groups : 0) +
    widths.error +
    widths.tokens +
    widths.output;
  const col = (width: number | null, name: string) =>
    h('col', { class: `col-${name}`, style: width ? { width: `${width}rem` } : {} });
  return h(
    'div',
    {},
    h(
      'details',
      { id: 'column-picker', class: 'picker' },
      h('summary', {}, `Score columns (${columns.length} of ${scoreKeys.length} shown)`),
      h(
        'div',
        { class: 'picker-list' },
        scoreKeys.map((key) =>
          h(
            'label',
            { title: key },
            h('input', {
              type: 'checkbox',
              name: 'col',
              value: key,
              checked: columns.includes(key),
              onChange: (event: Event) => pick(key, (event.currentTarget as HTMLInputElement).checked),
            }),
            ' ',
            key,
          ),
        ),
      ),
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid samples', style: { minWidth: `${minWidth}rem` } },
        h(
          'colgroup',
          {},
          col(widths.sample, 'sample'),
          col(widths.epoch, 'epoch'),
          columns.map(() => col(widths.score, 'score')),
          hasGroups ? col(widths.groups, 'groups') : null,
          col(null, 'output'),
          col(widths.error, 'error'),
          col(widths.tokens, 'tokens'),
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Sample'),
            h('th', {}, 'Epoch'),
            columns.map((key) => {
              // 'cxr_qba.answer_rouge_l': the scorer small above its key, so narrow columns stay legible
              const dot = key.indexOf('.');
              return h(
                'th',
                { class: 'score', title: key, 'data-key': key },
                dot > 0 ? [h('div', { class: 'scorer' }, key.slice(0, dot)), key.slice(dot + 1)] : key,
              );
            }),
            hasGroups ? h('th', {}, 'Groups') : null,
            h('th', {}, 'Output'),
            h('th', {}, 'Error'),
            h('th', {}, 'Tokens'),
          ),
        ),
        h(
          'tbody',
          {},
          (page.items as Json[]).map((item) =>
            h(
              'tr',
              { class: item.error ? 'failed' : '', key: `${item.id}\u0000${item.epoch}` },
              h('td', { class: 'id' }, link('sample', { run, id: item.id, epoch: item.epoch }, item.id)),
              h('td', { class: 'num' }, item.epoch),
              columns.map((key) => h('td', { class: 'num' }, fmt(item.scores[key]))),
              hasGroups
                ? h(
                    'td',
                    { class: 'groups' },
                    Object.entries(item.groups as Record<string, string>)
                      .map(([key, value]) => `${key}=${value}`)
                      .join(', '),
                  )
                : null,
              h(
                'td',
                { class: 'output' },
                h(ClipText, {
                  text: item.output ?? '',
                  kind: 'output',
                  // the row carries a 240-character preview: the whole output comes with the sample
                  full:
                    (item.outputLength ?? 0) > (item.output ?? '').length - 1
                      ? async () =>
                          (await get('/api/sample', { run, id: item.id, epoch: item.epoch })).record.output as string
                      : undefined,
                }),
              ),
              h('td', { class: 'error' }, h(ClipText, { text: item.error ?? '', kind: 'error' })),
              h('td', { class: 'num' }, fmt(item.tokens)),
            ),
          ),
        ),
      ),
    ),
  );
}

function filters(info: Json, query: Json) {
  const go = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '');
    navigate('run', {
      ...query,
      page: 0,
      score: value('score'),
      min: value('min'),
      max: value('max'),
      group: value('group'),
      error: value('error'),
      q: value('q'),
      sort: value('sort'),
      desc: form.get('desc') ? '1' : '0',
    });
  };
  const option = (value: string, label: string, current: string) =>
    h('option', { value, selected: value === current }, label);
  return h(
    'form',
    { class: 'toolbar', id: 'sample-filters', onSubmit: go },
    h(
      'select',
      { name: 'score', 'aria-label': 'score key' },
      option('', 'any score', query.score),
      (info.scoreKeys as string[]).map((key) => option(key, key, query.score)),
    ),
    h('input', { name: 'min', type: 'number', step: 'any', placeholder: 'min', value: query.min, size: 5 }),
    h('input', { name: 'max', type: 'number', step: 'any', placeholder: 'max', value: query.max, size: 5 }),
    h(
      'select',
      { name: 'group', 'aria-label': 'group' },
      option('', 'any group', query.group),
      Object.entries(info.groups as Record<string, { value: string; count: number }[]>).flatMap(([key, values]) =>
        values.map(({ value, count }) => option(`${key}=${value}`, `${key} = ${value} (${count})`, query.group)),
      ),
    ),
    h(
      'select',
      { name: 'error', 'aria-label': 'errors' },
      option('all', 'errors and successes', query.error),
      option('only', 'errors only', query.error),
      option('none', 'no errors', query.error),
    ),
    h('input', { name: 'q', type: 'search', placeholder: 'sample id contains', value: query.q }),
    h(
      'select',
      { name: 'sort', 'aria-label': 'sort' },
      [
        ['row', 'file order'],
        ['id', 'id'],
        ['tokens', 'tokens'],
        ['cost', 'cost'],
        ...(info.scoreKeys as string[]).map((key) => [key, `score: ${key}`]),
      ].map(([value, label]) => option(value!, label!, query.sort)),
    ),
    h('label', {}, h('input', { type: 'checkbox', name: 'desc', checked: query.desc === '1' }), ' descending'),
    h('button', { type: 'submit' }, 'Apply'),
  );
}

export async function samplesSection(run: string, info: Json, params: Record<string, string>) {
  const query = {
    run,
    page: Number(params.page ?? 0),
    pageSize: Number(params.pageSize ?? 50),
    score: params.score ?? '',
    min: params.min ?? '',
    max: params.max ?? '',
    group: params.group ?? '',
    error: params.error ?? 'all',
    q: params.q ?? '',
    sort: params.sort ?? 'row',
    desc: params.desc ?? '0',
    cols: params.cols ?? '',
  };
  const { cols: _cols, ...serverQuery } = query;
  const page = await get('/api/samples', serverQuery);
  const go = (changes: Json) => navigate('run', { ...query, ...changes });
  const pager = h(
    'div',
    { class: 'pager' },
    h(
      'button',
      { type: 'button', disabled: query.page <= 0, onClick: () => go({ page: query.page - 1 }) },
      '← previous',
    ),
    h(
      'span',
      { class: 'page-info' },
      ` page ${query.page + 1} of ${Math.max(1, page.pages)} · ${page.total} matching of ${info.samples} · ${page.ms} ms `,
    ),
    h(
      'button',
      { type: 'button', disabled: query.page + 1 >= page.pages, onClick: () => go({ page: query.page + 1 }) },
      'next →',
    ),
  );
  return [h('h2', {}, 'Samples'), filters(info, query), pager, h(SampleTable, { run, page, info, query })];
}
