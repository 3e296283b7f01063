"""Generate a small, seeded sample of NYC TLC green and yellow taxi trips (January 2016).

The files mimic the column names of the 2016 TLC open-data extracts, so the pipeline's
prep step has two different schemas to reconcile. Each file also contains a handful of
dirty records (zero distance, refunds, bad GPS fixes, missing values) that the transform
step is expected to drop.

Usage:
    python data/generate.py
"""

import os

import numpy as np
import pandas as pd

SEED = 2016
ROWS_PER_FILE = 1000
DATA_DIR = os.path.dirname(os.path.realpath(__file__))

MILE_LAT = 1 / 69.0  # degrees of latitude per mile
MILE_LON = 1 / 52.4  # degrees of longitude per mile at 40.7N


def _trips(rng: np.random.Generator, n: int, center: tuple[float, float], spread: float):
    """Draw the shared trip attributes: times, distance, coordinates and amounts."""
    start = np.datetime64("2016-01-01T00:00:00")
    pickup = start + rng.integers(0, 31 * 24 * 3600 - 4 * 3600, n).astype("timedelta64[s]")
    hour = (pickup - pickup.astype("datetime64[D]")).astype("timedelta64[h]").astype(int)
    weekday = (pickup.astype("datetime64[D]").astype(int) + 3) % 7  # 0 = Monday

    distance = np.round(np.clip(rng.lognormal(0.8, 0.7, n), 0.1, 25.0), 2)
    rush = ((hour >= 7) & (hour <= 10)) | ((hour >= 16) & (hour <= 19))
    speed = np.where(rush, 9.0, 14.0) * rng.uniform(0.7, 1.3, n)  # mph
    minutes = distance / speed * 60 + rng.uniform(1, 4, n)
    dropoff = pickup + (minutes * 60).astype("timedelta64[s]")

    lat0 = rng.normal(center[0], spread, n)
    lon0 = rng.normal(center[1], spread, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    crow = distance / 1.3  # street grid vs. straight line
    lat1 = lat0 + crow * np.sin(angle) * MILE_LAT
    lon1 = lon0 + crow * np.cos(angle) * MILE_LON

    fare = np.round((2.5 + 2.5 * distance + 0.3 * minutes + rng.normal(0, 0.8, n)) * 2) / 2
    fare = np.maximum(fare, 2.5)
    extra = np.where((hour >= 20) | (hour < 6), 0.5, 0.0)
    extra += np.where((hour >= 16) & (hour < 20) & (weekday < 5), 1.0, 0.0)
    payment = rng.choice([1, 2], n, p=[0.6, 0.4])  # 1 = card, 2 = cash
    tip = np.where(payment == 1, np.round(fare * rng.uniform(0.1, 0.25, n), 2), 0.0)
    tolls = np.where(rng.random(n) < 0.03, 5.54, 0.0)
    total = np.round(fare + extra + 0.5 + 0.3 + tip + tolls, 2)

    return {
        "vendorID": rng.choice([1, 2], n, p=[0.45, 0.55]),
        "pickup": pd.to_datetime(pickup),
        "dropoff": pd.to_datetime(dropoff),
        "passengerCount": rng.choice([1, 2, 3, 4, 5, 6], n, p=[0.7, 0.14, 0.05, 0.03, 0.05, 0.03]),
        "tripDistance": distance,
        "lon0": np.round(lon0, 6),
        "lat0": np.round(lat0, 6),
        "lon1": np.round(lon1, 6),
        "lat1": np.round(lat1, 6),
        "storeAndFwdFlag": rng.choice(["N", "Y"], n, p=[0.99, 0.01]),
        "paymentType": payment,
        "fareAmount": fare,
        "extra": extra,
        "mtaTax": np.full(n, 0.5),
        "improvementSurcharge": np.full(n, 0.3),
        "tipAmount": tip,
        "tollsAmount": tolls,
        "totalAmount": total,
    }


def _dirty(rng: np.random.Generator, df: pd.DataFrame, cols: dict[str, str]) -> pd.DataFrame:
    """Corrupt a few rows the way real TLC extracts are corrupted."""
    idx = rng.choice(len(df), 40, replace=False)
    zero, refund, nogps, faraway, missing = np.split(idx, 5)
    df.loc[zero, "tripDistance"] = 0.0
    df.loc[refund, ["fareAmount", "totalAmount"]] *= -1
    df.loc[nogps, [cols["lon0"], cols["lat0"]]] = 0.0
    df.loc[faraway, cols["lat1"]] = 41.5 + rng.uniform(0, 0.3, len(faraway))
    df.loc[missing[:4], "passengerCount"] = np.nan
    df.loc[missing[4:], cols["lon1"]] = np.nan
    df["passengerCount"] = df["passengerCount"].astype("Int64")
    return df


def make_green(rng: np.random.Generator) -> pd.DataFrame:
    """Green (boro) cabs: outer-borough pickups, lpep* timestamp columns."""
    t = _trips(rng, ROWS_PER_FILE, center=(40.72, -73.92), spread=0.035)
    cols = {
        "lon0": "pickupLongitude",
        "lat0": "pickupLatitude",
        "lon1": "dropoffLongitude",
        "lat1": "dropoffLatitude",
    }
    df = pd.DataFrame(
        {
            "vendorID": t["vendorID"],
            "lpepPickupDatetime": t["pickup"],
            "lpepDropoffDatetime": t["dropoff"],
            "passengerCount": t["passengerCount"],
            "tripDistance": t["tripDistance"],
            **{name: t[key] for key, name in cols.items()},
            "storeAndFwdFlag": t["storeAndFwdFlag"],
            "rateCodeID": 1,
            "paymentType": t["paymentType"],
            "fareAmount": t["fareAmount"],
            "extra": t["extra"],
            "mtaTax": t["mtaTax"],
            "tipAmount": t["tipAmount"],
            "tollsAmount": t["tollsAmount"],
            "improvementSurcharge": t["improvementSurcharge"],
            "totalAmount": t["totalAmount"],
            "tripType": rng.choice([1, 2], ROWS_PER_FILE, p=[0.98, 0.02]),
        }
    )
    return _dirty(rng, df, cols)


def make_yellow(rng: np.random.Generator) -> pd.DataFrame:
    """Yellow cabs: Manhattan-centred pickups, tpep* timestamps, start/end coordinates."""
    t = _trips(rng, ROWS_PER_FILE, center=(40.755, -73.978), spread=0.025)
    cols = {"lon0": "startLon", "lat0": "startLat", "lon1": "endLon", "lat1": "endLat"}
    df = pd.DataFrame(
        {
            "vendorID": t["vendorID"],
            "tpepPickupDateTime": t["pickup"],
            "tpepDropoffDateTime": t["dropoff"],
            "passengerCount": t["passengerCount"],
            "tripDistance": t["tripDistance"],
            **{name: t[key] for key, name in cols.items()},
            "rateCodeId": 1,
            "storeAndFwdFlag": t["storeAndFwdFlag"],
            "paymentType": t["paymentType"],
            "fareAmount": t["fareAmount"],
            "extra": t["extra"],
            "mtaTax": t["mtaTax"],
            "improvementSurcharge": t["improvementSurcharge"],
            "tipAmount": t["tipAmount"],
            "tollsAmount": t["tollsAmount"],
            "totalAmount": t["totalAmount"],
        }
    )
    return _dirty(rng, df, cols)


def main() -> None:
    rng = np.random.default_rng(SEED)
    for name, frame in [("green", make_green(rng)), ("yellow", make_yellow(rng))]:
        path = os.path.join(DATA_DIR, f"{name}_tripdata_2016-01.csv")
        frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")
        print(f"wrote {len(frame)} rows to {path}")


if __name__ == "__main__":
    main()
