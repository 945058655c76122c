"""The XGBoost side of bench/train/gbdt.ts: trains tree_method=hist on the same CSV files, timed in
this process, and prints one JSON line: train seconds (wall and CPU), test AUC, prediction seconds for 100,000 rows
(inplace_predict, best of 3) and where the model was saved.

    /usr/bin/python3 bench/train/gbdt_peer.py TRAIN.csv TEST.csv NTHREAD ROUNDS DEPTH ETA MAXBIN MODEL_OUT
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score

train_path, test_path, nthread, rounds, depth, eta, max_bin, model_out = sys.argv[1:9]
train = pd.read_csv(train_path, float_precision="round_trip")
test = pd.read_csv(test_path, float_precision="round_trip")
Xtr = np.ascontiguousarray(train.drop(columns=["y"]).to_numpy(dtype=np.float64))
ytr = train["y"].to_numpy()
Xte = np.ascontiguousarray(test.drop(columns=["y"]).to_numpy(dtype=np.float64))
yte = test["y"].to_numpy()
params = {
    "objective": "binary:logistic",
    "tree_method": "hist",
    "max_depth": int(depth),
    "eta": float(eta),
    "max_bin": int(max_bin),
    "nthread": int(nthread),
    "base_score": float(ytr.mean()),
    "eval_metric": "logloss",
}
t0 = time.perf_counter()
c0 = time.process_time()
dtrain = xgb.DMatrix(Xtr, label=ytr, nthread=int(nthread))
booster = xgb.train(params, dtrain, num_boost_round=int(rounds))
seconds = time.perf_counter() - t0
cpu = time.process_time() - c0
p = booster.inplace_predict(Xte)
auc = roc_auc_score(yte, p)
reps = np.ascontiguousarray(np.concatenate([Xte, Xte])[:100_000])
predict = []
for _ in range(3):
    t1 = time.perf_counter()
    booster.inplace_predict(reps)
    predict.append(time.perf_counter() - t1)
booster.save_model(model_out)
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu, "auc": float(auc), "predictSeconds": min(predict), "model": model_out}))
