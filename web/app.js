// The router: '#/route?query' → a view function that renders into <main>. No framework, no build.
import { errorBox, mount } from './dom.js';
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

async function render() {
  const main = document.getElementById('app');
  const hash = location.hash.replace(/^#\/?/, '');
  const [route, query = ''] = hash.split('?');
  const view = routes[route] ?? routes[''];
  const params = Object.fromEntries(new URLSearchParams(query));
  main.setAttribute('aria-busy', 'true');
  try {
    const content = await view(params);
    mount(main, content);
  } catch (error) {
    mount(main, errorBox(error));
  } finally {
    main.setAttribute('aria-busy', 'false');
    main.dataset.route = route || 'runs';
  }
}

window.addEventListener('hashchange', render);
render();
