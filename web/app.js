// The router: '#/route?query' → a view function that renders into <main>. No framework, no build.
import { errorBox, h, mount } from './dom.js';
import { runsView } from './views/runs.js';
import { runView } from './views/run.js';
import { sampleView } from './views/sample.js';
import { compareView } from './views/compare.js';
import { ratingsView, rateView, agreementView } from './views/ratings.js';

const routes = {
  '': runsView,
  run: runView,
  sample: sampleView,
  compare: compareView,
  ratings: ratingsView,
  rate: rateView,
  agreement: agreementView,
};

let latest = 0;

async function render() {
  const ticket = ++latest; // a newer navigation wins over a slower older one
  const main = document.getElementById('app');
  const hash = location.hash.replace(/^#\/?/, '');
  const [route, query = ''] = hash.split('?');
  const view = routes[route] ?? routes[''];
  const params = Object.fromEntries(new URLSearchParams(query));
  main.setAttribute('aria-busy', 'true');
  // Slow pages (a first look at a 100,000-sample run, a paired bootstrap) say that they are working.
  const slow = setTimeout(
    () =>
      ticket === latest &&
      mount(
        main,
        h(
          'p',
          { class: 'muted' },
          `Loading ${route || 'runs'}… (a large run is indexed once; a comparison bootstraps every pair)`,
        ),
      ),
    300,
  );
  try {
    const content = await view(params);
    if (ticket === latest) mount(main, content);
  } catch (error) {
    if (ticket === latest) mount(main, errorBox(error));
  } finally {
    clearTimeout(slow);
    if (ticket === latest) {
      main.setAttribute('aria-busy', 'false');
      main.dataset.route = route || 'runs';
    }
  }
}

window.addEventListener('hashchange', render);
render();
