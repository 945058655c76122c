// URLs and alias rules shared by the Models pages.

/** The model page of `name` (names may hold `/`, `%` or `@`: they are URL-encoded). */
export function modelUrl(name: string): string {
  return `/models/${encodeURIComponent(name)}`;
}

/** The page of one version of a model. */
export function versionUrl(name: string, version: number): string {
  return `${modelUrl(name)}/versions/${version}`;
}

/** The page of a model reference (`churn@7`), or of the model when the version is an alias or absent. */
export function modelRefUrl(ref: string): string {
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const version = at < 0 ? '' : ref.slice(at + 1);
  return /^\d+$/.test(version) ? versionUrl(name, Number(version)) : modelUrl(name);
}

/** The page of a lineage node's model version id, `NAME/VERSION` (names may hold `/`); null when it is not one. */
export function versionIdUrl(id: string): string | null {
  const at = id.lastIndexOf('/');
  const version = Number(id.slice(at + 1));
  return at > 0 && Number.isInteger(version) ? versionUrl(id.slice(0, at), version) : null;
}

/** The aliases that serve traffic: moving or deleting them asks for a confirmation. */
export const guardedAliases = new Set(['champion']);

/** The server's rule for alias names (letters, digits, `_` and `-`; `latest` and `v<digits>` are reserved). */
export function aliasProblem(alias: string): string | null {
  if (!alias) return 'Enter an alias name.';
  if (alias.length > 255) return 'An alias is at most 255 characters.';
  if (!/^[A-Za-z0-9_-]+$/.test(alias)) return 'An alias holds only letters, digits, _ and -.';
  if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias))
    return `"${alias}" is reserved: model references use it.`;
  return null;
}
