"""Train a click-through model on every region's channel (SM_CHANNEL_*), save it to SM_MODEL_DIR."""

from __future__ import annotations

import argparse
import json
import os


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max_depth", type=int, default=6)
    parser.add_argument("--eta", type=float, default=0.2)
    args = parser.parse_args()
    channels = json.loads(os.environ.get("SM_CHANNELS", "[]"))
    rows = 0
    for channel in channels:
        folder = os.environ[f"SM_CHANNEL_{channel.upper()}"]
        for name in os.listdir(folder):
            rows += sum(1 for _ in open(os.path.join(folder, name)))
    model_dir = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "model.json"), "w") as handle:
        json.dump({"max_depth": args.max_depth, "eta": args.eta, "rows": rows}, handle)


if __name__ == "__main__":
    main()
