"""TransformTaxiData: clean the merged trips and derive date/time features.

Drops incomplete rows, keeps trips that start and end inside the NYC bounding box
with a positive distance and cost, and splits pickup/dropoff timestamps into numeric
weekday, month, day-of-month, hour, minute and second columns.
"""

import glob
import logging
import os

import pandas as pd

INPUT_DIR = "/opt/ml/processing/input"
OUTPUT_DIR = "/opt/ml/processing/output"

logger = logging.getLogger(__name__)

# Longitude/latitude box around the five boroughs.
MIN_LON, MAX_LON = -74.09, -73.72
MIN_LAT, MAX_LAT = 40.53, 40.88


def add_time_features(df: pd.DataFrame, column: str, prefix: str) -> pd.DataFrame:
    """Expand a timestamp column into numeric calendar/clock features."""
    ts = pd.to_datetime(df.pop(column))
    df[f"{prefix}_weekday"] = ts.dt.day_of_week
    df[f"{prefix}_month"] = ts.dt.month
    df[f"{prefix}_monthday"] = ts.dt.day
    df[f"{prefix}_hour"] = ts.dt.hour
    df[f"{prefix}_minute"] = ts.dt.minute
    df[f"{prefix}_second"] = ts.dt.second
    return df


def transform(df: pd.DataFrame) -> pd.DataFrame:
    """Filter out bad trips and return the model-ready feature table."""
    df = df.dropna().copy()
    in_box = (
        df["pickup_longitude"].between(MIN_LON, MAX_LON)
        & df["pickup_latitude"].between(MIN_LAT, MAX_LAT)
        & df["dropoff_longitude"].between(MIN_LON, MAX_LON)
        & df["dropoff_latitude"].between(MIN_LAT, MAX_LAT)
    )
    df = df[in_box & (df["distance"] > 0) & (df["cost"] > 0)].copy()

    df["passengers"] = df["passengers"].astype(int)
    df["store_forward"] = (df["store_forward"] == "Y").astype(int)
    df = add_time_features(df, "pickup_datetime", "pickup")
    df = add_time_features(df, "dropoff_datetime", "dropoff")
    # Keep the label last so the feature order is stable for training and inference.
    return df[[c for c in df.columns if c != "cost"] + ["cost"]]


def main() -> None:
    files = sorted(glob.glob(os.path.join(INPUT_DIR, "*.csv")))
    raw = pd.concat((pd.read_csv(f) for f in files), ignore_index=True)
    clean = transform(raw)
    logger.info("Kept %d of %d rows", len(clean), len(raw))

    os.makedirs(OUTPUT_DIR, exist_ok=True)
    clean.to_csv(os.path.join(OUTPUT_DIR, "transformed.csv"), index=False)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
