// A validated recipe (as a fitted recipe holds it) back in the form a user writes, so it can be
// copied and applied to another version: `{ kind: 'drop', columns: [...] }` → `{ drop: [...] }`.
import type { Recipe, RecipeStep } from '../../../../src/sdk/index.js';

function stepDocument(step: RecipeStep): Record<string, unknown> {
  switch (step.kind) {
    case 'select':
    case 'drop':
    case 'log':
    case 'text_length':
    case 'standard_scale':
    case 'minmax_scale':
      return { [step.kind]: step.columns };
    case 'rename':
    case 'cast':
    case 'derive':
    case 'impute':
    case 'clip':
    case 'bucketize':
    case 'datetime_parts':
      return { [step.kind]: step.columns };
    case 'filter':
      return { filter: step.expression };
    case 'onehot':
      return { onehot: { columns: step.columns, max_categories: step.maxCategories } };
    case 'ordinal':
      return {
        ordinal: {
          columns: step.columns,
          ...(Object.keys(step.categories).length ? { categories: step.categories } : {}),
        },
      };
    case 'pii':
      return {
        pii: Object.fromEntries(
          Object.entries(step.columns).map(([c, p]) => [c, p.kind === undefined ? p.action : p]),
        ),
      };
    case 'deduplicate':
      return { deduplicate: { ...(step.columns ? { columns: step.columns } : {}), keep: step.keep } };
    case 'join':
      return {
        join: {
          with: step.with,
          on: Object.fromEntries(step.on.map((o) => [o.left, o.right])),
          how: step.how,
          ...(step.columns ? { columns: step.columns } : {}),
          ...(step.prefix ? { prefix: step.prefix } : {}),
        },
      };
  }
}

/** The recipe as the document a user writes (JSON is YAML: the Transform editor takes it as it is). */
export function recipeDocument(recipe: Recipe): Record<string, unknown> {
  return {
    version: recipe.version,
    steps: recipe.steps.map(stepDocument),
    ...(recipe.split ? { split: recipe.split } : {}),
    ...(recipe.output !== undefined ? { output: recipe.output } : {}),
  };
}
