"""The peer of bench/predict/batch-scoring.ts: what a pandas + XGBoost user runs to score a file.
Reads the rows with pandas, predicts with XGBoost's inplace_predict (nthread 1), writes the rows
with their predictions as CSV, and prints the seconds it took as one JSON line.

    /usr/bin/python3 bench/predict/batch_scoring_peer.py MODEL.json ROWS.csv OUT.csv
"""
import json
import sys
import time

import pandas as pd
import xgboost as xgb

model_path, rows_path, out_path = sys.argv[1:4]
booster = xgb.Booster(model_file=model_path)
booster.set_param({"nthread": 1})
t0 = time.perf_counter()
frame = pd.read_csv(rows_path)
frame["prediction"] = booster.inplace_predict(frame.to_numpy(dtype="float64"))
frame.to_csv(out_path, index=False)
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": len(frame)}))
