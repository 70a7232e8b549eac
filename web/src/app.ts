// The router: '#/route?query' → a view, an async function of the query returning Preact elements,
// rendered into <main>. The same code runs against the server and inside a static bundle.
import { type ComponentChildren, type VNode, render } from 'preact';
import { isBundle } from './api.js';
import { errorBox, h } from './ui.js';
import { compareView } from './views/compare.js';
import { leaderboardView } from './views/leaderboard.js';
import { agreementView, rateView, ratingsView } from './views/ratings.js';
import { runView } from './views/run.js';
import { runsView } from './views/runs.js';
import { sampleView } from './views/sample.js';

type View = (params: Record<string, string>) => Promise<VNode | ComponentChildren>;

const routes: Record<string, View> = {
  '': runsView,
  run: runView,
  sample: sampleView,
  compare: compareView,
  leaderboard: leaderboardView,
  ratings: ratingsView,
  rate: rateView,
  agreement: agreementView,
};

let latest = 0;

async function show() {
  const ticket = ++latest; // a newer navigation wins over a slower older one
  const main = document.getElementById('app')!;
  const hash = location.hash.replace(/^#\/?/, '');
  const [route = '', query = ''] = hash.split('?');
  const view = routes[route] ?? routes['']!;
  const params = Object.fromEntries(new URLSearchParams(query));
  const put = (content: ComponentChildren) => render(h('div', { key: `${ticket}`, class: 'page' }, content), main);
  main.setAttribute('aria-busy', 'true');
  // Slow pages (a first look at a 100,000-sample run, a paired bootstrap) say that they are working.
  const slow = setTimeout(() => {
    if (ticket === latest)
      put(
        h(
          'p',
          { class: 'muted' },
          `Loading ${route || 'runs'}… (a large run is indexed once; a comparison bootstraps every pair)`,
        ),
      );
  }, 300);
  try {
    const content = await view(params);
    if (ticket === latest) put(content);
  } catch (error) {
    if (ticket === latest) put(errorBox(error));
  } finally {
    clearTimeout(slow);
    if (ticket === latest) {
      main.setAttribute('aria-busy', 'false');
      main.dataset.route = route || 'runs';
    }
  }
}

if (isBundle()) document.body.classList.add('bundle');
document.getElementById('app')!.textContent = '';
window.addEventListener('hashchange', show);
void show();
