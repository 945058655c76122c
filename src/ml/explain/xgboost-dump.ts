/**
 * Test and benchmark helper (not exported from src/ml): the TreeEnsemble of an XGBoost model from
 * its JSON dump (`get_dump(dump_format='json', with_stats=True)`). The real XGBoost importer is a
 * later issue; this only covers numeric splits of `gbtree` models.
 */
import type { TreeEnsemble } from '../tree-ensemble.js';

/** One node of XGBoost's JSON dump. */
export interface XgbDumpNode {
  nodeid: number;
  split?: string;
  split_condition?: number;
  yes?: number;
  no?: number;
  missing?: number;
  cover: number;
  leaf?: number;
  children?: XgbDumpNode[];
}

const view = new DataView(new ArrayBuffer(8));

/** The largest double below `t`: XGBoost's `x < t` is Lathe's `x <= before(t)`. */
export function doubleBefore(t: number): number {
  if (t === 0) return -Number.MIN_VALUE;
  view.setFloat64(0, t);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, t > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}

/**
 * Converts dumped trees (round-major; with `classes > 2` tree `i` adds to class `i % classes`) to a
 * TreeEnsemble whose raw outputs are XGBoost's margins. `baseScore` is the learner's `base_score`
 * (turned into a margin by the logit for `binary:logistic`).
 */
export function xgboostDumpToEnsemble(
  dumpTrees: readonly XgbDumpNode[],
  cols: number,
  classes: number,
  baseScore: number,
  objective: string,
): TreeEnsemble {
  const K = classes > 2 ? classes : 1;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const missingLeft: number[] = [];
  const cover: number[] = [];
  const value: number[] = [];
  const treeStart = [0];
  const treeOutput: number[] = [];
  dumpTrees.forEach((root, t) => {
    const start = feature.length;
    const add = (node: XgbDumpNode): number => {
      const g = feature.length;
      feature.push(-1);
      threshold.push(0);
      left.push(0);
      right.push(0);
      missingLeft.push(0);
      cover.push(node.cover);
      for (let k = 0; k < K; k++) value.push(k === 0 && node.leaf !== undefined ? Math.fround(node.leaf) : 0);
      if (node.leaf !== undefined || !node.children) return g;
      const byId = new Map(node.children.map((c) => [c.nodeid, c]));
      feature[g] = Number(node.split!.replace(/^f/, ''));
      threshold[g] = doubleBefore(Math.fround(node.split_condition!));
      missingLeft[g] = node.missing === node.yes ? 1 : 0;
      left[g] = add(byId.get(node.yes!)!) - start;
      right[g] = add(byId.get(node.no!)!) - start;
      return g;
    };
    add(root);
    treeStart.push(feature.length);
    treeOutput.push(K > 1 ? t % K : 0);
  });
  const margin = objective === 'binary:logistic' ? Math.log(baseScore / (1 - baseScore)) : baseScore;
  return {
    treeStart: Int32Array.from(treeStart),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    missingLeft: Uint8Array.from(missingLeft),
    cover: Float64Array.from(cover),
    value: Float64Array.from(value),
    outputs: K,
    treeOutput: Int32Array.from(treeOutput),
    scale: 1,
    base: new Float64Array(K).fill(margin),
    link: K > 1 ? 'softmax' : objective === 'binary:logistic' ? 'logistic' : 'identity',
    cols,
  };
}
