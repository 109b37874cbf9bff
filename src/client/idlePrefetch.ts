// Client module: Docusaurus prefetches the code of every page a visible link
// points to, at once, from the IntersectionObserver callbacks that fire right
// after hydration: one task that matches routes and adds a
// `<link rel="prefetch">` per chunk while the page is still starting up. This
// keeps every prefetch, but runs them in idle time, a few at a time, so a
// phone's main thread is free for the reader first.
//
// Docusaurus calls `onRouteDidUpdate` on the first render too (in a layout
// effect), before those observers report.
type Prefetch = Window['docusaurus']['prefetch'];

interface IdleDeadlineLike {
  timeRemaining(): number;
}

const idle = (callback: (deadline: IdleDeadlineLike) => void): void => {
  if (typeof window.requestIdleCallback === 'function') {
    window.requestIdleCallback(callback, { timeout: 2000 });
  } else {
    window.setTimeout(() => callback({ timeRemaining: () => 8 }), 50);
  }
};

let installed = false;

function install(): void {
  const docusaurus = window.docusaurus as Window['docusaurus'] | undefined;
  if (installed || !docusaurus) return;
  installed = true;
  const prefetchNow = docusaurus.prefetch;
  const queue = new Set<string>();
  let scheduled = false;
  const flush = (deadline: IdleDeadlineLike): void => {
    for (const routePath of queue) {
      if (deadline.timeRemaining() < 4) break;
      queue.delete(routePath);
      void prefetchNow(routePath);
    }
    scheduled = queue.size > 0;
    if (scheduled) idle(flush);
  };
  const prefetchWhenIdle: Prefetch = (routePath) => {
    queue.add(routePath);
    if (!scheduled) {
      scheduled = true;
      idle(flush);
    }
    return Promise.resolve([]);
  };
  // The object Docusaurus puts there is read-only; Link reads
  // `window.docusaurus.prefetch` on each call, so a new object takes effect.
  window.docusaurus = { ...window.docusaurus, prefetch: prefetchWhenIdle };
}

export function onRouteDidUpdate(): void {
  if (typeof window !== 'undefined') install();
}
