"""The pandas side of bench/data: read_csv + describe(include='all') + value_counts per
categorical column + isna().sum(), timed in this process; prints JSON with the wall time and
the peak resident memory."""
import json
import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
t0 = time.perf_counter()
df = pd.read_csv(path)
described = df.describe(include="all")
counts = {c: df[c].value_counts() for c in df.columns if df[c].dtype == object}
missing = df.isna().sum()
seconds = time.perf_counter() - t0
print(json.dumps({
    "seconds": seconds,
    "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "rows": int(len(df)),
    "columns": int(df.shape[1]),
    "described": int(described.shape[1]),
    "categorical": len(counts),
    "missing": int(missing.sum()),
}))
