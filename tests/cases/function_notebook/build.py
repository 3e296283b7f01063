"""Two @step functions (one feeding the other, one gating a condition) and a NotebookJobStep report."""

from __future__ import annotations

import os

from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.function_step import step
from sagemaker.workflow.notebook_job_step import NotebookJobStep
from sagemaker.workflow.parameters import ParameterFloat
from sagemaker.workflow.pipeline import Pipeline

BASE = os.path.dirname(os.path.abspath(__file__))
SKLEARN = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
DISTRIBUTION = "885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:1-cpu"


def build(session, role, bucket):
    threshold = ParameterFloat(name="MinAccuracy", default_value=0.8)
    settings = {
        "instance_type": "ml.m5.xlarge",
        "role": role,
        "image_uri": SKLEARN,
        "dependencies": os.path.join(BASE, "code", "requirements.txt"),
        "keep_alive_period_in_seconds": 0,
    }

    @step(name="LoadData", display_name="load_data", description="Loads the iris data set.", **settings)
    def load_data(test_size: float):
        from sklearn.datasets import load_iris
        from sklearn.model_selection import train_test_split

        features, labels = load_iris(return_X_y=True)
        return train_test_split(features, labels, test_size=test_size, random_state=0)

    @step(name="Evaluate", display_name="evaluate", description="Fits a model and scores it.", **settings)
    def evaluate(split):
        from sklearn.linear_model import LogisticRegression

        x_train, x_test, y_train, y_test = split
        return LogisticRegression(max_iter=500).fit(x_train, y_train).score(x_test, y_test)

    accuracy = evaluate(load_data(0.25))
    report = NotebookJobStep(
        name="Report",
        input_notebook=os.path.join(BASE, "code", "report.ipynb"),
        image_uri=DISTRIBUTION,
        kernel_name="python3",
        role=role,
        instance_type="ml.m5.large",
        parameters={"title": "Iris accuracy", "min_accuracy": "0.8"},
    )
    check = ConditionStep(
        name="AccurateEnough",
        conditions=[ConditionGreaterThanOrEqualTo(left=accuracy, right=threshold)],
        if_steps=[report],
        else_steps=[FailStep(name="TooInaccurate", error_message="accuracy below the minimum")],
    )
    return Pipeline(name="iris-functions", parameters=[threshold], steps=[check], sagemaker_session=session)
