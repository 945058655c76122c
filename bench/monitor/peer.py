"""The numpy/scipy peer of bench/monitor: per feature, the drift statistics Lathe computes.

    /usr/bin/python3 bench/monitor/peer.py REFERENCE.f64 CURRENT.f64 EDGES.json

REFERENCE and CURRENT hold float64 little-endian values, column-major (rows x F: feature 0's rows
first); EDGES.json is a list of F lists of bin edges. NaN is a missing value and is dropped, as
Lathe does. Per feature:
- psi: counts on the given edges (bin i is [e_i, e_i+1), the last one closed, values beyond the
  ends in the end bins), proportions per side, a zero proportion replaced by 1e-4 (not
  renormalized), sum of (a - e) * ln(a / e) with e the reference and a the current proportions;
- js: scipy.spatial.distance.jensenshannon(reference counts, current counts, base=2);
- ks, ksP: scipy.stats.ks_2samp(reference, current) (method 'auto');
- wasserstein: scipy.stats.wasserstein_distance(reference, current).
Prints one JSON object: {rows, readSeconds, seconds (all statistics), psiJsSeconds, ksSeconds,
wassersteinSeconds, features: [{psi, js, ks, ksP, wasserstein}]}. File reading is timed apart.
"""
import json
import sys
import time

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp, wasserstein_distance

EPSILON = 1e-4


def counts(values, edges):
    bins = len(edges) - 1
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
    return np.bincount(index, minlength=bins).astype(np.float64)


def psi(expected, actual):
    e = expected / expected.sum()
    a = actual / actual.sum()
    e = np.where(e == 0, EPSILON, e)
    a = np.where(a == 0, EPSILON, a)
    return float(np.sum((a - e) * np.log(a / e)))


def main():
    ref_path, cur_path, edges_path = sys.argv[1:4]
    t0 = time.perf_counter()
    with open(edges_path) as f:
        edges = [np.asarray(e, dtype=np.float64) for e in json.load(f)]
    nfeat = len(edges)
    reference = np.fromfile(ref_path, dtype="<f8").reshape(nfeat, -1)
    current = np.fromfile(cur_path, dtype="<f8").reshape(nfeat, -1)
    read_seconds = time.perf_counter() - t0

    features = []
    spent = {"psiJs": 0.0, "ks": 0.0, "wasserstein": 0.0}
    t_all = time.perf_counter()
    for f in range(nfeat):
        t = time.perf_counter()
        a = reference[f]
        b = current[f]
        a = a[~np.isnan(a)]
        b = b[~np.isnan(b)]
        ca = counts(a, edges[f])
        cb = counts(b, edges[f])
        row = {"psi": psi(ca, cb), "js": float(jensenshannon(ca, cb, base=2))}
        t1 = time.perf_counter()
        ks = ks_2samp(a, b)
        t2 = time.perf_counter()
        row.update(ks=float(ks.statistic), ksP=float(ks.pvalue), wasserstein=float(wasserstein_distance(a, b)))
        t3 = time.perf_counter()
        spent["psiJs"] += t1 - t
        spent["ks"] += t2 - t1
        spent["wasserstein"] += t3 - t2
        features.append(row)
    seconds = time.perf_counter() - t_all
    print(json.dumps({
        "rows": reference.shape[1],
        "readSeconds": read_seconds,
        "seconds": seconds,
        "psiJsSeconds": spent["psiJs"],
        "ksSeconds": spent["ks"],
        "wassersteinSeconds": spent["wasserstein"],
        "features": features,
    }))


if __name__ == "__main__":
    main()
