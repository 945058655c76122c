import type { Command } from 'commander';
import { clientFor, wantsJson } from './context.js';
import { readOptionFile } from './options.js';
import { printJson, printTable } from './output.js';

/** `lathe data transform N@V --recipe recipe.yaml`: applies a transform recipe on the server. */
export function registerDataTransformCommand(data: Command): void {
  data
    .command('transform')
    .description(
      'apply a transform recipe (YAML or JSON) to a version: fit it there, record the result as new versions',
    )
    .argument('<ref>', 'NAME@VERSION, NAME@latest or NAME: the version to fit the recipe on and transform')
    .requiredOption('--recipe <file>', 'the recipe file (YAML or JSON; see docs/data.md#transforms)')
    .option('-m, --message <message>', 'what the new versions are')
    .action(async (ref: string, o: { recipe: string; message?: string }, cmd: Command) => {
      const text = await readOptionFile(o.recipe, 'the recipe');
      const result = await clientFor(cmd).data.transform(
        ref,
        text,
        o.message !== undefined ? { message: o.message } : {},
      );
      if (wantsJson(cmd)) return printJson(result);
      const out = (s: string) => process.stdout.write(`${s}\n`);
      out(`fitted on ${result.input}${result.joined.length ? `, joined ${result.joined.join(', ')}` : ''}`);
      out(`fitted recipe ${result.artifact} (lathe data recipe ${result.outputs[0]!.version.ref})`);
      out('');
      printTable(result.outputs, {
        version: (x) => x.version.ref,
        split: (x) => x.split ?? '-',
        rows: (x) => x.version.rows.toLocaleString(),
        columns: (x) => x.version.columns.length,
        status: (x) => (x.created ? 'created' : 'unchanged'),
        lineage: (x) => `${x.version.parents.join(' + ')} -> ${x.version.ref}`,
      });
    });

  data
    .command('recipe')
    .description(
      'the fitted recipe of a version a recipe produced, as JSON (learned means, categories, bins)',
    )
    .argument('<ref>', 'NAME@VERSION, NAME@latest or NAME')
    .action(async (ref: string, _o, cmd: Command) => {
      printJson(await clientFor(cmd).data.recipe(ref));
    });
}
