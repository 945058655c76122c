"""The model of bench/serve: an XGBoost binary:logistic classifier on synthetic data, 30 numeric
features named f0..f29, 200 trees of depth 6 (tree_method hist, seed 0), saved as XGBoost JSON
(feature names included), plus SAMPLES rows (default 1,000; test rows the model has not seen)
as a JSON list of objects keyed f0..f29, the request rows of the benchmark.

    /usr/bin/python3 bench/serve/make_model.py MODEL_OUT.json ROWS_OUT.json [SAMPLES]

Prints one JSON line: {"model": ..., "rows": ..., "samples": ..., "trees": ..., "seconds": ...}.
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb

model_out, rows_out = sys.argv[1], sys.argv[2]
samples = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
FEATURES = 30
TREES = 200
DEPTH = 6
TRAIN = 50_000

t0 = time.perf_counter()
rng = np.random.default_rng(0)
n = TRAIN + samples
X = rng.normal(size=(n, FEATURES))
# A label that needs deep trees: linear part, interactions, thresholds, and noise.
w = rng.normal(size=FEATURES)
logit = (
    X @ w * 0.3
    + 1.5 * X[:, 0] * X[:, 1]
    - np.abs(X[:, 2]) * X[:, 3]
    + np.where(X[:, 4] > 0.5, 1.0, -0.5)
    + np.sin(2 * X[:, 5])
    + rng.normal(scale=1.0, size=n)
)
y = (logit > 0).astype(np.float64)
names = [f"f{i}" for i in range(FEATURES)]

dtrain = xgb.DMatrix(X[:TRAIN], label=y[:TRAIN], feature_names=names, nthread=2)
params = {
    "objective": "binary:logistic",
    "tree_method": "hist",
    "max_depth": DEPTH,
    "eta": 0.1,
    "nthread": 2,
    "seed": 0,
}
booster = xgb.train(params, dtrain, num_boost_round=TREES)
booster.save_model(model_out)

# Rows as JSON numbers: Python's repr of a float64 round-trips exactly, so every server sees
# the same values.
sample = X[TRAIN:]
with open(rows_out, "w") as f:
    json.dump([{name: float(v) for name, v in zip(names, row)} for row in sample], f)

print(json.dumps({
    "model": model_out,
    "rows": rows_out,
    "samples": samples,
    "features": FEATURES,
    "trees": len(booster.get_dump()),
    "depth": DEPTH,
    "seconds": round(time.perf_counter() - t0, 2),
}))
