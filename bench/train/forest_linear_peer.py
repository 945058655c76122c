"""The scikit-learn side of bench/train/forest-linear.ts, run in its own process.

    forest_linear_peer.py logistic|forest THREADS TRAIN.csv TEST.csv

Reads the same CSV files as the Lathe side (features, then the 0/1 label in the last column),
fits, and prints one JSON line: fit seconds (the fit call only; wall and CPU of all threads), test
accuracy, iterations.
Logistic: features standardized with the training means and standard deviations (outside the
timing), LogisticRegression(penalty='l2', C=1, solver='lbfgs'), the objective's threads are
BLAS's (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, set by the caller). Forest:
RandomForestClassifier(n_estimators=100, n_jobs=THREADS, random_state=0).
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

task, threads, train_path, test_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def read(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return np.ascontiguousarray(data[:, :-1]), data[:, -1].astype(np.int64)


X, y = read(train_path)
Xt, yt = read(test_path)
if task == "logistic":
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    X = (X - mean) / std
    Xt = (Xt - mean) / std
    model = LogisticRegression(penalty="l2", C=1.0, solver="lbfgs", tol=1e-4, max_iter=100)
else:
    model = RandomForestClassifier(n_estimators=100, n_jobs=threads, random_state=0)
t0 = time.perf_counter()
c0 = time.process_time()
model.fit(X, y)
seconds = time.perf_counter() - t0
cpu_seconds = time.process_time() - c0
accuracy = float((model.predict(Xt) == yt).mean())
iterations = int(model.n_iter_[0]) if task == "logistic" else 0
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "accuracy": accuracy,
                  "iterations": iterations, "rows": int(len(y))}))
