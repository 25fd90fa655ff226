/**
 * The console's first script (index.html loads it before main.tsx): with no React, router or antd
 * behind it, it runs as soon as the HTML has arrived and starts what the first page will wait
 * for — that page's chunk, the session check, and (logged in, on the overview) the overview's
 * LISTs — while the browser is still fetching and compiling the app. main.tsx takes them over.
 */
import { kinds } from './api/kinds.ts';
import { prefetchList, prefetchSession, sessionCookieHinted } from './api/prefetch.ts';
import { clusterOf, firstPageOf } from './lib/first-page.ts';
import { pageLoaders } from './page-loaders.ts';
import { warmAntdScope } from './layout/antd-scope.ts';

const page = firstPageOf(window.location.pathname);
// Only a head start: a failed fetch is left to the page's lazyRetry, not reported here.
if (Object.hasOwn(pageLoaders, page)) pageLoaders[page as keyof typeof pageLoaders]().catch(() => undefined);
// Every page but the overview renders inside antd's providers and style sheet (layout/AntdScope).
if (page !== 'overview') warmAntdScope();

if (page === 'overview') {
  const cluster = clusterOf(window.location.pathname);
  const lists = () => {
    for (const kind of [
      'nodes',
      'pods',
      'events',
      'deployments',
      'statefulsets',
      'daemonsets',
      'jobs',
      'cronjobs',
    ] as const)
      prefetchList(cluster, kinds[kind]);
  };
  // A session cookie came with the page: the LISTs go out beside the session check. Otherwise they
  // wait for its answer (nobody logged in: no LISTs, which would only answer 401, as console errors).
  if (sessionCookieHinted()) {
    void prefetchSession();
    lists();
  } else void prefetchSession().then((signedIn) => signedIn && lists());
} else if (page !== 'login') {
  void prefetchSession();
}
