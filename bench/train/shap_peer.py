"""The XGBoost side of bench/train/shap.ts: trains tree_method=hist on TRAIN.csv (NTHREAD_TRAIN
threads, not timed for the comparison), then times pred_contribs=True on the rows of EXPLAIN.csv
with nthread=1 (best of REPEATS). Writes the JSON tree dump (with stats) and the contributions
(float64, rows x (cols + 1), row-major, the bias last) into OUTDIR and prints one JSON line.

    /usr/bin/python3 bench/train/shap_peer.py TRAIN.csv EXPLAIN.csv ROUNDS DEPTH ETA NTHREAD_TRAIN REPEATS OUTDIR
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb

train_path, explain_path, rounds, depth, eta, nthread_train, repeats, outdir = sys.argv[1:9]
train = pd.read_csv(train_path, float_precision="round_trip")
explain = pd.read_csv(explain_path, float_precision="round_trip")
Xtr = np.ascontiguousarray(train.drop(columns=["y"]).to_numpy(dtype=np.float64))
ytr = train["y"].to_numpy()
Xex = np.ascontiguousarray(explain.drop(columns=["y"]).to_numpy(dtype=np.float64))
params = {
    "objective": "binary:logistic",
    "tree_method": "hist",
    "max_depth": int(depth),
    "eta": float(eta),
    "max_bin": 256,
    "nthread": int(nthread_train),
    "base_score": float(ytr.mean()),
}
t0 = time.perf_counter()
booster = xgb.train(params, xgb.DMatrix(Xtr, label=ytr, nthread=int(nthread_train)), num_boost_round=int(rounds))
train_seconds = time.perf_counter() - t0

booster.set_param({"nthread": 1})
dex = xgb.DMatrix(Xex, nthread=1)
times = []
for _ in range(int(repeats)):
    t1 = time.perf_counter()
    contribs = booster.predict(dex, pred_contribs=True)
    times.append(time.perf_counter() - t1)

os.makedirs(outdir, exist_ok=True)
dump_path = os.path.join(outdir, "xgb-dump.json")
with open(dump_path, "w") as f:
    f.write("[" + ",".join(booster.get_dump(dump_format="json", with_stats=True)) + "]")
contribs_path = os.path.join(outdir, "xgb-contribs.f64")
np.ascontiguousarray(contribs, dtype=np.float64).tofile(contribs_path)
config = json.loads(booster.save_config())
print(json.dumps({
    "trainSeconds": train_seconds,
    "contribSeconds": min(times),
    "contribTimes": times,
    "rows": int(Xex.shape[0]),
    "cols": int(Xex.shape[1]),
    "trees": booster.num_boosted_rounds(),
    "baseScore": float(config["learner"]["learner_model_param"]["base_score"]),
    "dump": dump_path,
    "contribs": contribs_path,
    "xgboost": xgb.__version__,
}))
