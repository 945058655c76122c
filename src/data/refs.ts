import { describeValue, LatheError } from '../core/index.js';
import type { DatasetRef } from './types.js';

/** Dataset names: a letter or digit, then letters, digits, `.`, `_` or `-`; at most 128. */
export const datasetNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkDatasetName(name: unknown): string {
  if (typeof name !== 'string' || !datasetNamePattern.test(name)) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `a dataset name is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit; got ${describeValue(name)}`,
    );
  }
  return name;
}

/** Parses `name@3`, `name@latest` or a bare `name` (the latest version). */
export function parseDatasetRef(ref: unknown): DatasetRef {
  if (typeof ref !== 'string' || ref.length === 0) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `a dataset reference is NAME@VERSION or NAME@latest; got ${describeValue(ref)}`,
    );
  }
  const at = ref.lastIndexOf('@');
  const name = checkDatasetName(at < 0 ? ref : ref.slice(0, at));
  if (at < 0) return { name, version: 'latest' };
  const v = ref.slice(at + 1);
  if (v === 'latest') return { name, version: 'latest' };
  if (!/^[1-9][0-9]{0,8}$/.test(v)) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `a dataset reference is NAME@VERSION (a positive integer) or NAME@latest; got ${JSON.stringify(ref)}`,
    );
  }
  return { name, version: Number(v) };
}

export const formatRef = (name: string, version: number) => `${name}@${version}`;
