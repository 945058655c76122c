"""The peer of bench/serve: the home-built model server teams start from. A Flask app that loads
an XGBoost JSON model with `xgb.Booster` and answers `POST /predict` with a JSON list of row
objects (the same payload Lathe's endpoint gets):

    [{"f0": 0.1, ..., "f29": -1.2}, ...]  ->  {"predictions": [0, 1, ...], "probabilities": [[p0, p1], ...]}

Rows are put in the model's feature order (`booster.feature_names`) in a float64 array (a
missing or null feature is NaN, which XGBoost treats as missing) and scored by
`booster.inplace_predict` with one thread per process (the processes already use the cores).
`inplace_predict` on a NumPy array is XGBoost's fast path, quicker than building a pandas
DataFrame and a DMatrix; set PEER_MODE=dmatrix to serve through `pd.DataFrame` + `DMatrix` +
`predict` instead (the most common tutorial code) for comparison.

Run it under gunicorn (Debian packages `gunicorn` and `python3-flask`), as bench/serve/serve.ts does:

    PEER_MODEL=model.json gunicorn --chdir bench/serve -w 2 -k gthread --threads 4 \
        --keep-alive 75 -b 127.0.0.1:8090 flask_peer:app

Two workers: one process per core of the 2-core bench machine (the GIL lets one Python thread
run at a time per process). gthread workers, because gunicorn's sync workers close the
connection after every response (no keep-alive); gthread keeps connections open for
`--keep-alive` seconds. Malformed bodies answer 400 with the error, as a careful team's would.
"""
import os

import numpy as np
import xgboost as xgb
from flask import Flask, jsonify, request

MODEL = os.environ.get("PEER_MODEL", "model.json")
MODE = os.environ.get("PEER_MODE", "inplace")

booster = xgb.Booster(model_file=MODEL)
booster.set_param({"nthread": 1})
features = booster.feature_names or [f"f{i}" for i in range(booster.num_features())]

app = Flask(__name__)


def _matrix(rows):
    x = np.empty((len(rows), len(features)), dtype=np.float64)
    for i, row in enumerate(rows):
        for j, name in enumerate(features):
            v = row.get(name)
            x[i, j] = np.nan if v is None else v
    return x


def _probabilities(rows):
    if MODE == "dmatrix":
        import pandas as pd

        frame = pd.DataFrame.from_records(rows, columns=features).astype("float64")
        return booster.predict(xgb.DMatrix(frame))
    return booster.inplace_predict(_matrix(rows))


@app.post("/predict")
def predict():
    rows = request.get_json(silent=True)
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return jsonify({"error": "expected a JSON list of row objects"}), 400
    try:
        p = _probabilities(rows)
    except (TypeError, ValueError) as e:
        return jsonify({"error": f"bad row values: {e}"}), 400
    p = p.tolist()
    return jsonify({
        "predictions": [1 if v >= 0.5 else 0 for v in p],
        "probabilities": [[1.0 - v, v] for v in p],
    })


@app.get("/health")
def health():
    return jsonify({"status": "ok"})
