import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The extension (`.ts` or `.js`) of the module at `url`. */
function extensionOf(url: string): string {
  const path = new URL(url).pathname;
  return path.endsWith('.ts') || path.endsWith('.mts') ? '.ts' : '.js';
}

/**
 * The URL of the module `relative` (without extension, e.g. `./forest-tasks`) next to the module
 * whose `import.meta.url` is `importMetaUrl`, with that module's extension: `.ts` under tsx, `.js`
 * in dist.
 */
export function taskModuleUrl(importMetaUrl: string, relative: string): URL {
  return new URL(relative + extensionOf(importMetaUrl), importMetaUrl);
}

/**
 * Starts a worker thread running the module at `entry` (from {@link taskModuleUrl}), through tsx's
 * loader when it is a .ts source.
 */
export function startWorker(entry: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (extensionOf(entry.href) === '.js') return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}
