// Typed per-page state: each module that keeps something for a page (the
// network, the workloads `thv run` started, the manifest store, the parsed
// manifests of the page) declares its own slot, keyed by the page's spec or
// context, so a page's state has one owner and one type, and goes away with
// the page.

/** `const workloads = pageLocal((spec) => new Map())` → `workloads(spec)` is that page's one Map. */
export function pageLocal<K extends object, T>(init: (page: K) => T): (page: K) => T {
  const values = new WeakMap<K, T>();
  return (page) => {
    if (!values.has(page)) values.set(page, init(page));
    return values.get(page) as T;
  };
}
