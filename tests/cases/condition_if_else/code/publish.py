"""Copy the model archive into the release folder."""

import shutil

shutil.copy("/opt/ml/processing/model/model.tar.gz", "/opt/ml/processing/release/model.tar.gz")
