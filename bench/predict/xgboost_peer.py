"""The XGBoost side of bench/predict/xgboost.ts: trains (or reuses) a binary:logistic model on the
bench CSV, saves it as JSON, and times XGBoost's own `inplace_predict` with nthread 1 on the
prediction rows (best of REPEATS) and on single rows (p50/p99 over SINGLE calls). Writes its
predictions (float32, little-endian) next to the model and prints one JSON line.

    /usr/bin/python3 bench/predict/xgboost_peer.py TRAIN.csv TEST.csv MODEL_OUT ROUNDS DEPTH ROWS REPEATS SINGLE
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb

train_path, test_path, model_out, rounds, depth, rows, repeats, single = sys.argv[1:9]
rows, repeats, single = int(rows), int(repeats), int(single)
test = pd.read_csv(test_path, float_precision="round_trip")
Xte = np.ascontiguousarray(test.drop(columns=["y"]).to_numpy(dtype=np.float64))
X = np.ascontiguousarray(np.concatenate([Xte] * (rows // len(Xte) + 1))[:rows])

if not os.path.exists(model_out):
    train = pd.read_csv(train_path, float_precision="round_trip")
    Xtr = np.ascontiguousarray(train.drop(columns=["y"]).to_numpy(dtype=np.float64))
    ytr = train["y"].to_numpy()
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": int(depth), "eta": 0.1,
              "nthread": 2, "seed": 0}
    booster = xgb.train(params, xgb.DMatrix(Xtr, label=ytr, nthread=2), num_boost_round=int(rounds))
    booster.save_model(model_out)

booster = xgb.Booster(model_file=model_out)
booster.set_param({"nthread": 1})
pred = booster.inplace_predict(X)
pred.astype("<f4").tofile(model_out + ".pred.f32")
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    booster.inplace_predict(X)
    times.append(time.perf_counter() - t0)

one = [np.ascontiguousarray(X[i : i + 1]) for i in range(min(single, rows))]
for r in one[:200]:
    booster.inplace_predict(r)
lat = []
for r in one:
    t0 = time.perf_counter()
    booster.inplace_predict(r)
    lat.append(time.perf_counter() - t0)
lat.sort()
print(json.dumps({
    "batchSeconds": min(times),
    "singleP50": lat[len(lat) // 2],
    "singleP99": lat[int(len(lat) * 0.99)],
    "rows": rows,
    "model": model_out,
    "predictions": model_out + ".pred.f32",
}))
