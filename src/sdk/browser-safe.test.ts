import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

/**
 * The files the SDK entry loads at run time (type-only imports and exports are erased), found by
 * following relative `import`/`export … from` specifiers.
 */
function runtimeGraph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specs: string[] = [];
    const re = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*['"]([^'"]+)['"]/gms;
    for (const m of text.matchAll(re)) {
      if (m[2]) continue;
      // `import { type A, type B } from` loads nothing at run time either.
      const names = m[3]!
        .replace(/^\{|\}$/g, '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (m[3]!.startsWith('{') && names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
      specs.push(m[4]!);
    }
    seen.set(file, specs);
    for (const s of specs)
      if (s.startsWith('.')) visit(path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return seen;
}

describe('the SDK entry stays browser-safe', () => {
  it('loads no Node built-in and no package, and carries the row path of fitted recipes', () => {
    const graph = runtimeGraph(path.resolve(import.meta.dirname, 'index.ts'));
    for (const [file, specs] of graph)
      for (const s of specs)
        assert.ok(
          s.startsWith('.'),
          `${path.relative(process.cwd(), file)} imports ${s}, which a browser cannot load`,
        );
    assert.ok(
      [...graph.keys()].some((f) => f.endsWith(path.join('data', 'recipe', 'row-path.ts'))),
      'applyFittedRecipe comes from its pure file',
    );
  });
});
