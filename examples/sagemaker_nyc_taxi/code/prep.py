"""PrepTaxiData: merge the green and yellow taxi extracts into a single schema.

Reads every CSV under the processing input folder, recognises green files by their
``lpep*`` timestamp columns and yellow files by ``tpep*``, renames both to a common
set of columns and writes ``merged.csv``.
"""

import glob
import logging
import os

import pandas as pd

INPUT_DIR = "/opt/ml/processing/input"
OUTPUT_DIR = "/opt/ml/processing/output"

logger = logging.getLogger(__name__)

GREEN_COLUMNS = {
    "vendorID": "vendor",
    "lpepPickupDatetime": "pickup_datetime",
    "lpepDropoffDatetime": "dropoff_datetime",
    "passengerCount": "passengers",
    "tripDistance": "distance",
    "pickupLongitude": "pickup_longitude",
    "pickupLatitude": "pickup_latitude",
    "dropoffLongitude": "dropoff_longitude",
    "dropoffLatitude": "dropoff_latitude",
    "storeAndFwdFlag": "store_forward",
    "totalAmount": "cost",
}

YELLOW_COLUMNS = {
    "vendorID": "vendor",
    "tpepPickupDateTime": "pickup_datetime",
    "tpepDropoffDateTime": "dropoff_datetime",
    "passengerCount": "passengers",
    "tripDistance": "distance",
    "startLon": "pickup_longitude",
    "startLat": "pickup_latitude",
    "endLon": "dropoff_longitude",
    "endLat": "dropoff_latitude",
    "storeAndFwdFlag": "store_forward",
    "totalAmount": "cost",
}


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Rename a green or yellow extract to the common schema, dropping other columns."""
    if "lpepPickupDatetime" in df.columns:
        mapping = GREEN_COLUMNS
    elif "tpepPickupDateTime" in df.columns:
        mapping = YELLOW_COLUMNS
    else:
        raise ValueError(f"Unrecognised taxi extract with columns {list(df.columns)}")
    return df[list(mapping)].rename(columns=mapping)


def main() -> None:
    files = sorted(glob.glob(os.path.join(INPUT_DIR, "**", "*.csv"), recursive=True))
    if not files:
        raise FileNotFoundError(f"No CSV files found under {INPUT_DIR}")

    frames = []
    for path in files:
        df = normalise(pd.read_csv(path))
        logger.info("Read %d rows from %s", len(df), path)
        frames.append(df)
    merged = pd.concat(frames, ignore_index=True)

    os.makedirs(OUTPUT_DIR, exist_ok=True)
    merged.to_csv(os.path.join(OUTPUT_DIR, "merged.csv"), index=False)
    logger.info("Wrote %d merged rows", len(merged))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
