/**
 * The native flavor: Lathe's own package (`lathe-model.json` + array files), as training writes
 * it. Importing one checks every array against the manifest and loads the model once.
 */
import { LatheError } from '../../../core/index.js';
import { manifestFile, readModelPackage } from '../../package.js';
import { NativePredictor, type NativePredictorOptions, recipeRowPath } from '../../predictor.js';
import type { InspectedModel, ModelFlavor, ModelSource } from '../flavor.js';

async function readSource(source: ModelSource) {
  return readModelPackage(async (path) => {
    const bytes = source.files.get(path);
    if (!bytes)
      throw new LatheError('MODEL_PACKAGE_INVALID', `the package lacks ${path}, which its manifest lists`);
    return bytes;
  });
}

/** The recipe row path a package needs, when it has a recipe. */
async function rowPathOf(manifest: { recipe?: unknown }): Promise<NativePredictorOptions> {
  return manifest.recipe ? { applyRecipe: await recipeRowPath() } : {};
}

/** Lathe's native model package. */
export const nativeFlavor: ModelFlavor = {
  name: 'native',
  summary: "Lathe's own package: a directory with lathe-model.json and arrays/*.bin",
  detect: (source) => source.files.has(manifestFile),
  async inspect(source): Promise<InspectedModel> {
    const pkg = await readSource(source);
    const predictor = new NativePredictor(pkg.manifest, pkg.saved, await rowPathOf(pkg.manifest));
    const { manifest } = pkg;
    return {
      task: manifest.task,
      signature: predictor.signature,
      family: manifest.family,
      // A native package is stored as it is: the manifest and its arrays.
      files: new Map(
        [manifestFile, ...Object.values(manifest.model.arrays).map((e) => e.file)].map((p) => [
          p,
          source.files.get(p)!,
        ]),
      ),
      meta: manifest.model.meta,
      params: manifest.params,
      ...(manifest.inputExample ? { inputExample: manifest.inputExample } : {}),
    };
  },
  async load(pkg, options = {}) {
    return new NativePredictor(pkg.manifest, pkg.saved, {
      ...(await rowPathOf(pkg.manifest)),
      ...(options.piiSalt ? { piiSalt: options.piiSalt } : {}),
    });
  },
};
