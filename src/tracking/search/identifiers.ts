import type { LatheError } from '../../core/index.js';
import type { SearchEntity } from './ast.js';
import { type EntitySpec, type IdentKind, entitySpecs, prefixList } from './entities.js';
import { quoteForMessage } from './errors.js';
import type { IdentPart, Token } from './tokenizer.js';

/** An identifier split into what its prefix names and the key after it. */
export interface ResolvedIdentifier {
  kind: IdentKind;
  /** The key as written (before attribute aliases are resolved). */
  key: string;
  /** 0-based offset of the key, for error positions. */
  keyStart: number;
  /** Whether a prefix was written (`attributes.status` vs `status`). */
  prefixed: boolean;
}

/** Builds an error at a 0-based offset. */
export type Fail = (offset: number, message: string) => LatheError;

/** Words the grammar reserves; they cannot stand alone as an attribute name. */
const reserved = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'IS', 'NULL', 'ASC', 'DESC']);

/** The identifier parts of a left-hand token: an identifier, or a double-quoted name. */
export function identifierParts(token: Token): IdentPart[] | undefined {
  if (token.type === 'ident') return token.parts;
  if (token.type === 'string' && token.quote === '"') {
    return [{ text: token.value, quoted: true, start: token.start }];
  }
  return undefined;
}

/**
 * Splits an identifier as MLflow does: the text before the first dot is the prefix (`metrics`,
 * `params`, `tags`, `attributes`, `datasets` and their aliases, case-sensitive), the rest is the
 * key; without a dot the identifier is an attribute. A key is either quoted as a whole
 * (``tags.`a.b` ``, `tags."a b"`) or bare, and bare keys may contain dots (`tags.mlflow.user`).
 */
export function resolveIdentifier(
  entity: SearchEntity,
  parts: IdentPart[],
  fail: Fail,
  what: string,
): ResolvedIdentifier {
  const spec = entitySpecs[entity];
  const first = parts[0]!;
  if (parts.length === 1) {
    if (!first.quoted && reserved.has(first.text.toUpperCase())) {
      throw fail(first.start, `expected ${what}, got the keyword ${quoteForMessage(first.text)}`);
    }
    return { kind: 'attribute', key: first.text, keyStart: first.start, prefixed: false };
  }
  const kind = spec.prefixes[first.text];
  if (kind === undefined) {
    throw fail(
      first.start,
      `unknown prefix ${quoteForMessage(first.text)} for ${spec.noun} search; valid prefixes: ${prefixList(spec)}` +
        (first.quoted ? '' : ' (keys with dots or special characters go in backticks after the prefix)'),
    );
  }
  const keyParts = parts.slice(1);
  const quoted = keyParts.find((p) => p.quoted);
  if (keyParts.length > 1 && quoted) {
    throw fail(
      quoted.start,
      `a quoted key must be the whole key after ${quoteForMessage(`${first.text}.`)}, as in ${first.text}.\`a.b\``,
    );
  }
  return {
    kind,
    key: keyParts.map((p) => p.text).join('.'),
    keyStart: keyParts[0]!.start,
    prefixed: true,
  };
}

/** "unknown run attribute …; valid attributes: …" with a hint for keys that need a prefix. */
export function unknownAttribute(
  spec: EntitySpec,
  id: ResolvedIdentifier,
  valid: string,
  fail: Fail,
  hintPrefixes: boolean,
): LatheError {
  const hint =
    !id.prefixed && hintPrefixes
      ? spec.prefixes.metrics
        ? '; logged values need a prefix, as in metrics.<key>, params.<key> or tags.<key>'
        : '; tags need a prefix, as in tags.<key>'
      : '';
  return fail(
    id.keyStart,
    `unknown ${spec.noun} attribute ${quoteForMessage(id.key)}; valid attributes: ${valid}${hint}`,
  );
}
