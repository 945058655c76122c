/**
 * Reads XGBoost's saved model (the JSON schema of `save_model('m.json')`, or the same document in
 * UBJSON from `save_model('m.ubj')`, XGBoost 1.x/2.x) into flat typed arrays. Only `gbtree` and
 * `dart` boosters with single-output trees are read; nodes are renumbered breadth-first from each
 * root (deleted and unreachable nodes dropped), so children always follow their parent.
 */
import { describeValue, LatheError } from '../../../core/index.js';
import { baseMarginOf, objectiveOf, supportedObjectives, type XgbObjective } from './objectives.js';
import { decodeUbjson } from './ubjson.js';

/** The trees of a model in flat arrays; child indices are relative to the tree's first node. */
export interface XgbTrees {
  /** First node of each tree (`trees + 1` values). */
  treeStart: Int32Array;
  /** The output group (class) each tree adds to (`tree_info`). */
  treeGroup: Int32Array;
  /** Split feature; −1 at leaves. */
  feature: Int32Array;
  /** Numeric splits send `float32(x) < split` left (XGBoost's test). */
  split: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** 1 when a missing value (NaN) goes to the left child. */
  defaultLeft: Uint8Array;
  /** Leaf values (float32), times the tree's DART weight. */
  value: Float32Array;
  /** Hessian sum per node (`sum_hessian`). */
  cover: Float64Array;
  /** 1 for categorical splits: a category in the node's set goes RIGHT, any other value left. */
  categorical: Uint8Array;
  /** Bitset words of each node's category set (`nodes + 1` values into `catBits`). */
  catStart: Int32Array;
  catBits: Uint32Array;
}

/** An XGBoost model as Lathe evaluates it. */
export interface XgbModel {
  booster: 'gbtree' | 'dart';
  objective: XgbObjective;
  /** Features the model reads. */
  numFeature: number;
  /** Output groups: the number of classes for `multi:*`, else 1. */
  groups: number;
  /** `base_score` as stored, per group. */
  baseScore: number[];
  /** The initial margin per group (float32), `base_score` through the objective's inverse link. */
  baseMargin: Float32Array;
  /** Feature names and types as saved (empty when the model was trained without names). */
  featureNames: string[];
  featureTypes: string[];
  trees: XgbTrees;
  /** The XGBoost version that saved the model. */
  version: number[];
  /** Learner attributes (`best_iteration`…) and objective parameters, as strings. */
  attributes: Record<string, string>;
}

function invalid(message: string, details: Record<string, unknown> = {}): LatheError {
  return new LatheError('MODEL_PACKAGE_INVALID', message, details);
}

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v))
    throw invalid(`XGBoost model: ${where} must be an object; got ${describeValue(v)}`);
  return v as Obj;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string')
    throw invalid(`XGBoost model: ${where} must be a string; got ${describeValue(v)}`);
  return v;
}

/** XGBoost stores most scalars as strings (`"5E-1"`, `"[5E-1]"` in 2.1+); answers the numbers. */
function numbers(v: unknown, where: string): number[] {
  const s = typeof v === 'number' ? String(v) : str(v, where).trim();
  const parts = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1).split(',') : [s];
  const out = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if (out.some((n) => Number.isNaN(n)))
    throw invalid(`XGBoost model: ${where} must be a number; got ${JSON.stringify(s)}`);
  return out;
}

function int(v: unknown, where: string): number {
  const n = numbers(v, where)[0]!;
  if (!Number.isSafeInteger(n) || n < 0)
    throw invalid(`XGBoost model: ${where} must be a non-negative integer; got ${describeValue(v)}`);
  return n;
}

function numArray(v: unknown, where: string, length?: number): ArrayLike<number> {
  let a: ArrayLike<number>;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) a = v as unknown as ArrayLike<number>;
  else if (Array.isArray(v)) {
    for (const x of v)
      if (typeof x !== 'number' && typeof x !== 'boolean' && x !== null)
        throw invalid(`XGBoost model: ${where} must hold numbers; got ${describeValue(x)}`);
    a = v.map((x) => (x === null ? Number.NaN : Number(x)));
  } else throw invalid(`XGBoost model: ${where} must be an array of numbers; got ${describeValue(v)}`);
  if (length !== undefined && a.length !== length)
    throw invalid(`XGBoost model: ${where} must hold ${length} values (one per node); got ${a.length}`);
  return a;
}

function strings(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw invalid(`XGBoost model: ${where} must be an array of strings; got ${describeValue(v)}`);
  return v as string[];
}

/**
 * Parses a model file's bytes: UBJSON when the first byte is `{` followed by a UBJSON length
 * marker, JSON otherwise.
 * @throws LatheError MODEL_PACKAGE_INVALID for bytes that are neither, naming what arrived.
 */
export function decodeModelDocument(bytes: Uint8Array): unknown {
  if (isUbjsonModel(bytes)) return decodeUbjson(bytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid(
      'XGBoost model: the file is neither JSON nor UBJSON (XGBoost\'s old binary format is not read: load it in Python and save_model("model.json"))',
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // XGBoost writes NaN (the split condition of categorical nodes) and ±Infinity as bare tokens.
    if (/NaN|Infinity/.test(text))
      try {
        return parseNonFiniteJson(text);
      } catch {
        // fall through to the first error
      }
    throw invalid(
      `XGBoost model: not valid JSON (${(err as Error).message}); the file may be truncated. Save it with booster.save_model("model.json")`,
    );
  }
}

const nonFinite = /"(?:[^"\\]|\\.)*"|(-?)\b(NaN|Infinity)\b/g;

/**
 * JSON as Python and XGBoost write it: bare `NaN` (read as null) and `±Infinity` outside strings.
 * @throws SyntaxError for text that is not JSON even so.
 */
export function parseNonFiniteJson(text: string): unknown {
  return JSON.parse(
    text.replace(nonFinite, (m, sign: string, word: string) =>
      word ? (word === 'NaN' ? 'null' : `${sign}1e999`) : m,
    ),
  );
}

/** True for the first bytes of a UBJSON object whose first key is XGBoost's `learner` or `version`. */
export function isUbjsonModel(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0x7b) return false;
  const m = String.fromCharCode(bytes[1]!);
  if (!'iUIlL'.includes(m)) return false;
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 32));
  return head.includes('learner') || head.includes('version');
}

/**
 * Reads an XGBoost model document (parsed JSON or decoded UBJSON).
 * @throws LatheError MODEL_PACKAGE_INVALID for a wrong schema, a `gblinear` booster, multi-output
 *   trees or an unsupported objective, saying what was expected.
 */
export function readXgbModel(doc: unknown): XgbModel {
  const root = obj(doc, 'the document');
  if (!('learner' in root))
    throw invalid(
      `not an XGBoost model: the document has keys ${Object.keys(root).slice(0, 8).join(', ') || '(none)'}, not "learner" (save it with booster.save_model("model.json"))`,
    );
  const learner = obj(root.learner, 'learner');
  const version = Array.isArray(root.version) ? root.version.map(Number) : [];
  const objName = str(obj(learner.objective, 'learner.objective').name, 'learner.objective.name');
  const objective = objectiveOf(objName);
  if (!objective)
    throw invalid(
      `XGBoost model: objective ${JSON.stringify(objName)} is not supported; supported: ${supportedObjectives.join(', ')}`,
      { objective: objName },
    );
  const mp = obj(learner.learner_model_param, 'learner.learner_model_param');
  const numFeature = int(mp.num_feature, 'learner_model_param.num_feature');
  const numClass = mp.num_class === undefined ? 0 : int(mp.num_class, 'learner_model_param.num_class');
  if (mp.num_target !== undefined && int(mp.num_target, 'learner_model_param.num_target') > 1)
    throw invalid('XGBoost model: multi-target models (num_target > 1) are not supported');
  const groups = Math.max(1, numClass);
  if (objective.task === 'multiclass' && groups < 2)
    throw invalid(`XGBoost model: ${objName} needs num_class >= 2; got ${numClass}`);
  const baseScore = numbers(mp.base_score ?? '0.5', 'learner_model_param.base_score');
  if (baseScore.length !== 1 && baseScore.length !== groups)
    throw invalid(`XGBoost model: base_score holds ${baseScore.length} values; expected 1 or ${groups}`);
  const baseMargin = new Float32Array(groups);
  for (let g = 0; g < groups; g++)
    baseMargin[g] = baseMarginOf(objective, baseScore[baseScore.length === 1 ? 0 : g]!);

  const gb = obj(learner.gradient_booster, 'learner.gradient_booster');
  const boosterName = str(gb.name, 'gradient_booster.name');
  let model: Obj;
  let weights: ArrayLike<number> | null = null;
  if (boosterName === 'gbtree') model = obj(gb.model, 'gradient_booster.model');
  else if (boosterName === 'dart') {
    model = obj(obj(gb.gbtree, 'gradient_booster.gbtree').model, 'gradient_booster.gbtree.model');
    weights = numArray(gb.weight_drop, 'gradient_booster.weight_drop');
  } else if (boosterName === 'gblinear')
    throw invalid(
      'XGBoost model: the gblinear booster is not supported (only tree boosters gbtree and dart); export a linear model through ONNX instead',
      { booster: boosterName },
    );
  else
    throw invalid(
      `XGBoost model: booster ${JSON.stringify(boosterName)} is not supported; supported: gbtree, dart`,
    );

  const trees = readTrees(model, numFeature, groups, weights);
  const attributes: Record<string, string> = {};
  if (learner.attributes && typeof learner.attributes === 'object')
    for (const [k, v] of Object.entries(learner.attributes as Obj))
      if (typeof v === 'string') attributes[k] = v;
  const featureNames = strings(learner.feature_names, 'learner.feature_names');
  const featureTypes = strings(learner.feature_types, 'learner.feature_types');
  if (featureNames.length && featureNames.length !== numFeature)
    throw invalid(`XGBoost model: ${featureNames.length} feature names for ${numFeature} features`);
  return {
    booster: boosterName,
    objective,
    numFeature,
    groups,
    baseScore,
    baseMargin,
    featureNames,
    featureTypes,
    trees,
    version,
    attributes,
  };
}

function readTrees(
  model: Obj,
  numFeature: number,
  groups: number,
  weights: ArrayLike<number> | null,
): XgbTrees {
  const list = model.trees;
  if (!Array.isArray(list))
    throw invalid(`XGBoost model: gradient_booster trees must be an array; got ${describeValue(list)}`);
  if (list.length === 0) throw invalid('XGBoost model: the model has no trees');
  const info = numArray(model.tree_info ?? new Array(list.length).fill(0), 'tree_info', list.length);
  if (weights && weights.length !== list.length)
    throw invalid(`XGBoost model: weight_drop holds ${weights.length} values for ${list.length} trees`);
  const treeStart = [0];
  const feature: number[] = [];
  const split: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const defaultLeft: number[] = [];
  const value: number[] = [];
  const cover: number[] = [];
  const categorical: number[] = [];
  const catStart = [0];
  const catBits: number[] = [];
  list.forEach((raw, t) => {
    const where = `tree ${t}`;
    const tree = obj(raw, where);
    const lc = numArray(tree.left_children, `${where} left_children`);
    const n = lc.length;
    if (n === 0) throw invalid(`XGBoost model: ${where} has no nodes`);
    const rc = numArray(tree.right_children, `${where} right_children`, n);
    const si = numArray(tree.split_indices, `${where} split_indices`, n);
    const sc = numArray(tree.split_conditions, `${where} split_conditions`, n);
    const dl = numArray(tree.default_left, `${where} default_left`, n);
    const sh = numArray(tree.sum_hessian, `${where} sum_hessian`, n);
    const st = tree.split_type === undefined ? null : numArray(tree.split_type, `${where} split_type`, n);
    if (
      tree.tree_param &&
      int(obj(tree.tree_param, `${where} tree_param`).size_leaf_vector ?? '0', 'size_leaf_vector') > 1
    )
      throw invalid('XGBoost model: multi-output (vector leaf) trees are not supported');
    const cats = categoriesOf(tree, where);
    const w = weights ? Math.fround(weights[t]!) : 1;
    const group = info[t]!;
    if (!Number.isInteger(group) || group < 0 || group >= groups)
      throw invalid(`XGBoost model: tree_info[${t}] is ${group}; the model has ${groups} output group(s)`);
    // Breadth-first renumbering from the root; `order[i]` is the original id of new node i.
    const order = [0];
    const seen = new Uint8Array(n);
    seen[0] = 1;
    const base = feature.length;
    for (let i = 0; i < order.length; i++) {
      const id = order[i]!;
      const l = lc[id]!;
      const r = rc[id]!;
      cover.push(Number(sh[id]));
      if (l === -1) {
        feature.push(-1);
        split.push(0);
        left.push(0);
        right.push(0);
        defaultLeft.push(0);
        categorical.push(0);
        value.push(w === 1 ? Math.fround(sc[id]!) : Math.fround(Math.fround(sc[id]!) * w));
        catStart.push(catBits.length);
        continue;
      }
      for (const c of [l, r])
        if (!Number.isInteger(c) || c <= 0 || c >= n || seen[c])
          throw invalid(`XGBoost model: ${where} node ${id} has a bad child ${c} (the tree has ${n} nodes)`);
      const f = si[id]!;
      if (!Number.isInteger(f) || f < 0 || f >= numFeature)
        throw invalid(
          `XGBoost model: ${where} node ${id} splits on feature ${f}; the model has ${numFeature} features`,
        );
      seen[l] = 1;
      seen[r] = 1;
      order.push(l, r);
      feature.push(f);
      split.push(Math.fround(sc[id]!));
      left.push(order.length - 2);
      right.push(order.length - 1);
      defaultLeft.push(dl[id] ? 1 : 0);
      value.push(0);
      const isCat = st !== null && st[id] === 1;
      categorical.push(isCat ? 1 : 0);
      if (isCat) {
        const set = cats.get(id);
        if (!set)
          throw invalid(`XGBoost model: ${where} node ${id} is a categorical split without categories`);
        let max = -1;
        for (const c of set) if (c > max) max = c;
        const words = new Uint32Array(max < 0 ? 0 : (max >>> 5) + 1);
        for (const c of set) words[c >>> 5]! |= 1 << (c & 31);
        for (const word of words) catBits.push(word);
      }
      catStart.push(catBits.length);
    }
    treeStart.push(base + order.length);
  });
  return {
    treeStart: Int32Array.from(treeStart),
    treeGroup: Int32Array.from(info),
    feature: Int32Array.from(feature),
    split: Float32Array.from(split),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    defaultLeft: Uint8Array.from(defaultLeft),
    value: Float32Array.from(value),
    cover: Float64Array.from(cover),
    categorical: Uint8Array.from(categorical),
    catStart: Int32Array.from(catStart),
    catBits: Uint32Array.from(catBits),
  };
}

/** A tree's categorical sets by original node id (`categories_nodes/segments/sizes`). */
function categoriesOf(tree: Obj, where: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (tree.categories_nodes === undefined) return out;
  const nodes = numArray(tree.categories_nodes, `${where} categories_nodes`);
  const segs = numArray(tree.categories_segments, `${where} categories_segments`, nodes.length);
  const sizes = numArray(tree.categories_sizes, `${where} categories_sizes`, nodes.length);
  const cats = numArray(tree.categories, `${where} categories`);
  for (let i = 0; i < nodes.length; i++) {
    const s = segs[i]!;
    const k = sizes[i]!;
    if (!(s >= 0 && k >= 0 && s + k <= cats.length))
      throw invalid(`XGBoost model: ${where} categories segment ${i} runs past the categories array`);
    const set: number[] = [];
    for (let j = s; j < s + k; j++) {
      const c = cats[j]!;
      if (!Number.isInteger(c) || c < 0 || c >= 1 << 24)
        throw invalid(`XGBoost model: ${where} holds a bad category ${c}`);
      set.push(c);
    }
    out.set(nodes[i]!, set);
  }
  return out;
}
