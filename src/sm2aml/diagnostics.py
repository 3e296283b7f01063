"""Diagnostics as values: every problem the tool finds has a stable code, a place and a hint."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How much a finding matters; ordered so thresholds compare."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One finding: code (SM2AMLnnn), severity, where (JSON pointer or file:line:col), message, hint."""

    code: str
    severity: Severity
    message: str
    where: str = ""
    hint: str = ""

    def one_line(self) -> str:
        place = f"{self.where}: " if self.where else ""
        return f"{place}{self.severity} {self.code}: {self.message}"

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "where": self.where,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(slots=True)
class Diagnostics:
    """An ordered collection of findings, filled by the loader and the rules."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(
        self,
        code: str,
        message: str,
        *,
        where: str = "",
        hint: str = "",
        severity: Severity | None = None,
    ) -> Diagnostic:
        diag = Diagnostic(
            code=code,
            severity=severity if severity is not None else CODES[code].severity,
            message=message,
            where=where,
            hint=hint or CODES[code].hint,
        )
        self.items.append(diag)
        return diag

    def extend(self, more: Iterable[Diagnostic]) -> None:
        self.items.extend(more)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def at_least(self, severity: Severity) -> list[Diagnostic]:
        return [d for d in self.items if d.severity >= severity]

    def codes(self) -> list[str]:
        return [d.code for d in self.items]


@dataclass(frozen=True, slots=True)
class Code:
    """What a diagnostic code means: default severity, a title for the docs, a default hint."""

    severity: Severity
    title: str
    hint: str = ""


ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# The catalogue of stable codes. 1xx input, 2xx steps, 3xx data/identity/compute,
# 4xx expressions/control flow, 5xx output. Every code has a section in docs/diagnostics.md.
CODES: dict[str, Code] = {
    "SM2AML101": Code(ERR, "Input is not valid JSON", "Check the file is the output of Pipeline.definition()."),
    "SM2AML102": Code(
        ERR,
        "Input is not a SageMaker pipeline definition",
        "Give the definition JSON or an `aws sagemaker describe-pipeline` response.",
    ),
    "SM2AML103": Code(ERR, "Duplicate step name", "SageMaker step names are unique; fix the definition."),
    "SM2AML104": Code(ERR, "Reference to an unknown step", "Check the step name in the Get expression."),
    "SM2AML105": Code(ERR, "Reference to an unknown parameter", "Declare the parameter in Parameters."),
    "SM2AML106": Code(ERR, "Reference to an unknown property file", "Declare the PropertyFile on the producing step."),
    "SM2AML107": Code(ERR, "Dependency cycle between steps", "Break the cycle in DependsOn or the data references."),
    "SM2AML108": Code(WARN, "Unknown step type", "The step is kept in the IR as a generic step; convert it by hand."),
    "SM2AML109": Code(ERR, "Malformed field in the definition", "Fix the field to match the SageMaker schema."),
    "SM2AML110": Code(WARN, "Unknown expression", "The value is kept as a literal; check its meaning."),
    "SM2AML111": Code(ERR, "Input file cannot be read", "Check the path and permissions."),
    "SM2AML112": Code(
        ERR,
        "CloudWatch file is malformed",
        "Give the JSON output of `aws cloudwatch describe-alarms` or `aws cloudwatch get-dashboard`.",
    ),
    "SM2AML120": Code(ERR, "Python source cannot be parsed", "Fix the syntax error; the file is read, never run."),
    "SM2AML121": Code(
        ERR,
        "No SageMaker pipeline found in the Python source",
        "Build Pipeline(...) at top level or in a get_pipeline/build factory, or convert the definition JSON.",
    ),
    "SM2AML122": Code(
        WARN,
        "Value not known statically",
        "Give the value in the source or with --arg, or convert the definition JSON (Pipeline.definition()).",
    ),
    "SM2AML123": Code(
        WARN,
        "Control flow decided when the code runs",
        "Make the condition or loop depend on constants or factory arguments (--arg), or convert the JSON.",
    ),
    "SM2AML124": Code(
        WARN,
        "SageMaker construct not modelled by the source front end",
        "Convert the definition JSON from Pipeline.definition() for this pipeline.",
    ),
    "SM2AML125": Code(
        WARN,
        "Pipeline variable used as a plain Python value",
        "Use Join, .to_string() or a Condition*: the SDK raises TypeError here.",
    ),
    "SM2AML126": Code(WARN, "AWS environment assumed", "Pass --arg region=NAME / --arg default_bucket=NAME."),
    "SM2AML127": Code(WARN, "Local code file not found", "Check the path; it is resolved from the pipeline's folder."),
    "SM2AML128": Code(ERR, "Factory argument does not fit", "Use --arg NAME=VALUE with a parameter of the factory."),
    "SM2AML129": Code(ERR, "Notebook cannot be read", "Give a Jupyter notebook (.ipynb JSON with code cells)."),
    "SM2AML130": Code(
        INFO,
        "Image URI with a placeholder account",
        "Install the sagemaker package to read its image data, or set image_uri explicitly.",
    ),
    "SM2AML131": Code(
        INFO,
        "Pipeline built by running its code",
        "--exec ran the pipeline code with the SageMaker SDK offline; without it the code is only read.",
    ),
    "SM2AML132": Code(
        ERR,
        "Running the pipeline code failed",
        "Fix the error at the place named, pass the factory's arguments with --arg, or drop --exec.",
    ),
    "SM2AML150": Code(ERR, "Mapping file cannot be read", "Fix the TOML syntax at the place given, or the path."),
    "SM2AML151": Code(
        WARN, "Unknown key in the mapping file", "Check the spelling; `sm2aml init` writes every known key."
    ),
    "SM2AML152": Code(ERR, "Mapping file value has the wrong type", "Write the value as the table or string shown."),
    "SM2AML153": Code(ERR, "Illegal name in the mapping file", "Use a name Azure accepts for that kind of resource."),
    "SM2AML154": Code(INFO, "Mapping entry matches nothing", "Remove the entry, or check the name against the report."),
    "SM2AML160": Code(
        ERR,
        "Schedule file is malformed",
        "Give the JSON `aws scheduler get-schedule`, `aws events describe-rule` or `aws events list-targets-by-rule` "
        "prints.",
    ),
    "SM2AML201": Code(
        ERR, "Step type not converted yet", "The step has no Azure ML equivalent in this version; rebuild it by hand."
    ),
    "SM2AML202": Code(
        WARN, "Placeholder node emitted", "The node fails on purpose until its command is replaced by hand."
    ),
    "SM2AML203": Code(
        WARN,
        "Step code is only known by its S3 location",
        "Download the script into the component's src/ folder before deploying.",
    ),
    "SM2AML204": Code(
        WARN,
        "Script reads SageMaker container paths",
        "Make the script take these paths as arguments, or convert from the Python source.",
    ),
    "SM2AML205": Code(
        WARN,
        "Built-in algorithm container",
        "Azure ML has no built-in algorithm images; train with a script (e.g. open-source "
        "xgboost) in a curated environment.",
    ),
    "SM2AML206": Code(
        INFO,
        "Metric definitions become MLflow metrics",
        "Nothing to do; to log them from the script instead, convert with --add-metric-logging.",
    ),
    "SM2AML207": Code(INFO, "Cache configuration mapped", ""),
    "SM2AML208": Code(
        WARN,
        "Retry policy not carried over",
        "Azure ML pipelines have no per-step retry; re-submit failed jobs or use continue_on_step_failure.",
    ),
    "SM2AML209": Code(INFO, "Setting has no Azure ML equivalent and is dropped", ""),
    "SM2AML210": Code(
        WARN, "Credential-like value not copied", "Store the value in Azure Key Vault and read it at run time."
    ),
    "SM2AML212": Code(WARN, "Checkpointing differs", "Write checkpoints to an output folder and resume from it."),
    "SM2AML213": Code(INFO, "Script uses a mapped container path", "Nothing to do: the launcher maps it at run time."),
    "SM2AML214": Code(
        WARN,
        "Script uses a container path nothing provides",
        "Pass the path as an argument, or add the input or output the script expects.",
    ),
    "SM2AML215": Code(
        INFO,
        "MLflow metric logging added to the training code",
        "Review the added lines; drop --add-metric-logging to keep the script as it was.",
    ),
    "SM2AML216": Code(INFO, "Property file values logged as MLflow metrics", ""),
    "SM2AML217": Code(INFO, "Step code copied from a local file", "Nothing to do: the component carries the code."),
    "SM2AML220": Code(
        WARN,
        "Tuning strategy approximated",
        "Check sampling_algorithm and early_termination of the sweep node in pipeline.yml.",
    ),
    "SM2AML221": Code(
        WARN,
        "Hyperparameter range approximated",
        "Check the search_space entry of the sweep node; change the distribution if it matters.",
    ),
    "SM2AML222": Code(
        INFO,
        "Early stopping mapped to an Azure ML policy",
        "Tune evaluation_interval and delay_evaluation to how often the script logs the objective metric.",
    ),
    "SM2AML223": Code(
        WARN,
        "Metric renamed for MLflow",
        "Nothing to do when the launcher logs it; code that logs it itself must use the new name.",
    ),
    "SM2AML224": Code(
        WARN,
        "Tuning setting fixed to a parameter's default",
        "Azure ML takes no pipeline input in a sweep's settings; edit the sweep node to change the value.",
    ),
    "SM2AML225": Code(
        WARN,
        "Only the best trial's outputs are available",
        "Read the best model (top_k=0), or register each trial's model from the training script.",
    ),
    "SM2AML226": Code(
        WARN,
        "Sweep node runs without the step's identity",
        "Give the compute the managed identity, or grant the submitting user access to the data.",
    ),
    "SM2AML227": Code(
        WARN,
        "Only the first training definition is tuned",
        "Add a sweep node per algorithm by hand and compare their best trials.",
    ),
    "SM2AML228": Code(
        ERR,
        "Tuning configuration is incomplete",
        "Fix the tuning job definition; steps that read its outputs get stand-in inputs.",
    ),
    "SM2AML230": Code(
        INFO,
        "Model package group becomes a registered model",
        "Deploy the model from the registry (az ml model list --name <name>).",
    ),
    "SM2AML231": Code(
        INFO,
        "Approval status becomes a model tag",
        "Azure ML has no approval gate: deploy only versions tagged approval_status=Approved.",
    ),
    "SM2AML232": Code(
        INFO,
        "Model definition served by the steps that name it",
        "",
    ),
    "SM2AML233": Code(
        WARN,
        "Model definition used by no converted step",
        "Deploy the registered model with the endpoint YAML, or from the model registry.",
    ),
    "SM2AML234": Code(
        WARN,
        "Model name used outside a transform",
        "Pass the registered model's name and version instead (registration.json of the registration node).",
    ),
    "SM2AML235": Code(
        WARN,
        "Environment may lack serving packages",
        "Add the packages to the image, or use a curated environment.",
    ),
    "SM2AML236": Code(
        INFO,
        "Realtime inference becomes an online endpoint",
        "After the pipeline registered a model: az ml online-endpoint create, then online-deployment create.",
    ),
    "SM2AML237": Code(
        WARN,
        "Instance type not accepted by online endpoints",
        "Check instance_type in the deployment YAML against the managed online endpoints SKU list.",
    ),
    "SM2AML238": Code(
        INFO,
        "Batch transform becomes a parallel job",
        "Check mini_batch_size and the resources of the parallel node.",
    ),
    "SM2AML239": Code(
        WARN,
        "Transform setting not carried over",
        "Adapt the data or the entry script's arguments in the component's program_arguments.",
    ),
    "SM2AML240": Code(
        WARN,
        "Transform uses a model the pipeline does not define",
        "Register the model in Azure ML and bind the pipeline input to it when submitting.",
    ),
    "SM2AML241": Code(
        INFO,
        "Model repack step becomes a command node",
        "Fetch the inference code into the component's src/ folder (data_migration/fetch_code.sh).",
    ),
    "SM2AML242": Code(
        WARN,
        "Serving convention not reproduced",
        "Give the inference script model_fn, input_fn, predict_fn and output_fn that work with the model's framework.",
    ),
    "SM2AML243": Code(
        INFO,
        "Model asset YAML emitted",
        "Create it with az ml model create --file models/<name>.yml after copying the data.",
    ),
    "SM2AML244": Code(
        WARN,
        "Only the first container is converted",
        "Chain the containers' logic in one inference script, or deploy them as separate models.",
    ),
    "SM2AML245": Code(INFO, "Literal S3 location read from a step's output", ""),
    "SM2AML250": Code(
        INFO,
        "Spark processing step becomes a serverless Spark job",
        "Check the conf sizes against the data volume; serverless Spark runs runtime 3.4.",
    ),
    "SM2AML251": Code(
        WARN,
        "Spark configuration is only in S3",
        "Copy the Properties of the configuration JSON into conf in the component's YAML.",
    ),
    "SM2AML252": Code(
        WARN,
        "Spark dependencies are only known by their folder",
        "List the fetched files under py_files, jars or files in the component's YAML.",
    ),
    "SM2AML253": Code(
        WARN,
        "Spark job reads a container path",
        "Pass the location as an argument: Spark jobs read azureml:// or abfss:// URIs, not container folders.",
    ),
    "SM2AML254": Code(
        WARN,
        "S3 location in Spark arguments rewritten",
        "Serverless Spark reads azureml:// URIs; replace s3:// literals inside the script the same way.",
    ),
    "SM2AML255": Code(
        ERR,
        "Lambda step becomes a placeholder node",
        "Move the function to Azure Functions (or a Logic App) and call it from the node, "
        "or put its code into a command component.",
    ),
    "SM2AML256": Code(
        ERR,
        "Callback step becomes a placeholder node",
        "Replace the SQS callback with Azure Service Bus or Event Grid: the node sends the message and waits "
        "for the reply.",
    ),
    "SM2AML257": Code(
        ERR,
        "EMR step needs Azure Spark",
        "Run the Spark application as an Azure ML serverless Spark job, or on Azure Synapse or Databricks.",
    ),
    "SM2AML258": Code(
        ERR,
        "EMR Serverless step needs Azure Spark",
        "Run the application as an Azure ML serverless Spark job (or an Azure Synapse Spark job definition).",
    ),
    "SM2AML259": Code(
        ERR,
        "Quality check step needs Azure ML model monitoring",
        "Set up a data-quality or model-performance signal in Azure ML model monitoring, or compute the "
        "statistics in a command component.",
    ),
    "SM2AML260": Code(
        ERR,
        "Clarify check step needs the Responsible AI dashboard",
        "Build a Responsible AI insights pipeline (rai_tabular_insight_constructor and its components).",
    ),
    "SM2AML261": Code(
        WARN,
        "AutoML step becomes an Azure ML AutoML job",
        "Check the task, primary metric and limits, and give the job an MLTable training input.",
    ),
    "SM2AML262": Code(
        ERR,
        "Endpoint configuration step needs an online deployment",
        "Create an Azure ML online deployment (az ml online-deployment create) after the pipeline.",
    ),
    "SM2AML263": Code(
        ERR,
        "Endpoint step needs an online endpoint",
        "Create or update an Azure ML online endpoint (az ml online-endpoint create) after the pipeline.",
    ),
    "SM2AML264": Code(
        ERR,
        "Inference component step needs an online deployment",
        "Host the model as a deployment of an Azure ML online endpoint; traffic splits replace components.",
    ),
    "SM2AML265": Code(
        ERR,
        "Lineage step has no Azure ML counterpart",
        "Azure ML records the lineage of jobs, data and models itself; use tags or MLflow for custom links.",
    ),
    "SM2AML266": Code(
        ERR,
        "Job step needs an Azure ML job",
        "Rebuild the job as a command component in this pipeline.",
    ),
    "SM2AML267": Code(
        ERR,
        "Cleanup step has no Azure ML counterpart",
        "Delete the resources with the az ml CLI in a command node, or rely on serverless compute.",
    ),
    "SM2AML268": Code(
        ERR,
        "ForEach step needs a parallel_for or a parallel node",
        "Use an Azure ML parallel node (one mini-batch per item) or the parallel_for control-flow node.",
    ),
    "SM2AML269": Code(
        ERR,
        "Bedrock step needs Azure AI Foundry",
        "Fine-tune, import or deploy the model with Azure AI Foundry (Azure OpenAI or serverless models).",
    ),
    "SM2AML270": Code(
        WARN,
        "Output parameter used as a command-line value",
        "Make the step that replaces the placeholder write the value into that file of its output folder.",
    ),
    "SM2AML271": Code(
        ERR,
        "Python function step cannot be recovered from the definition",
        "Turn the @step function into a script and run it in a command component.",
    ),
    "SM2AML272": Code(
        WARN,
        "Notebook job runs with papermill",
        "Fetch the notebook into the component's src/ folder and check the kernel and environment.",
    ),
    "SM2AML273": Code(
        INFO,
        "Quality check becomes an Azure ML model monitor",
        "Create the monitor after the endpoint (az ml schedule create --file schedules/<name>.yml) and review "
        "its thresholds.",
    ),
    "SM2AML274": Code(
        WARN,
        "Quality check has no Azure ML model monitor",
        "Add what the message names (a realtime endpoint for the registered model, a fixed baseline dataset), "
        "or write the monitor schedule by hand.",
    ),
    "SM2AML275": Code(
        INFO,
        "Online deployment collects its inputs and outputs",
        "Add azureml-ai-monitoring (and pandas) to the serving environment so the scoring script can collect.",
    ),
    "SM2AML276": Code(
        WARN,
        "Batch data capture has no Azure ML counterpart",
        "Keep the inputs and the predictions the parallel job writes, and monitor them as data assets.",
    ),
    "SM2AML301": Code(INFO, "S3 bucket becomes a datastore", "Copy the data with data_migration/azcopy.sh."),
    "SM2AML302": Code(INFO, "IAM role becomes a managed identity", "Run identity/create_identities.sh once."),
    "SM2AML303": Code(
        WARN, "Unknown instance type", "Add the instance type to the mapping file, or pick an Azure VM size by hand."
    ),
    "SM2AML304": Code(WARN, "Private container image", "Import it into Azure Container Registry (az acr import)."),
    "SM2AML305": Code(
        WARN, "Network configuration needs an Azure equivalent", "Use a managed virtual network for the workspace."
    ),
    "SM2AML306": Code(
        WARN, "KMS key needs an Azure equivalent", "Use a customer-managed key in Key Vault for the workspace."
    ),
    "SM2AML307": Code(
        INFO, "Volume size not needed", "Azure ML compute uses the VM's local disk; pick a SKU with enough disk."
    ),
    "SM2AML308": Code(
        WARN,
        "Instance setting fixed to its default",
        "Azure ML cannot size a node from a pipeline input; edit resources to change it.",
    ),
    "SM2AML309": Code(
        INFO,
        "Output location managed by Azure ML",
        "Outputs go to the workspace's default datastore; add a path to pin them.",
    ),
    "SM2AML310": Code(INFO, "Image mapped to an approximate environment", "Check the package versions."),
    "SM2AML312": Code(WARN, "Spot training differs", "Use a low-priority cluster (tier: low_priority)."),
    "SM2AML313": Code(
        WARN,
        "CloudWatch alarm needs an Azure Monitor alert",
        "Create an Azure Monitor metric alert (az monitor metrics alert create) on the metric named.",
    ),
    "SM2AML314": Code(
        WARN,
        "CloudWatch dashboard needs an Azure Monitor workbook",
        "Build an Azure Monitor workbook or dashboard with the metrics named.",
    ),
    "SM2AML401": Code(
        WARN, "Execution variable approximated", "The value differs in Azure ML; check how the step uses it."
    ),
    "SM2AML402": Code(WARN, "Expression cannot be expressed in Azure ML", "Compute the value inside the step instead."),
    "SM2AML403": Code(INFO, "Ordering edge added for DependsOn", ""),
    "SM2AML404": Code(
        WARN,
        "Reference to a step that was not converted",
        "A pipeline input stands in for the value; set it when submitting.",
    ),
    "SM2AML406": Code(WARN, "Parameter type changed", ""),
    "SM2AML407": Code(INFO, "Experiment configuration mapped", ""),
    "SM2AML408": Code(
        WARN,
        "Node cannot be gated by its condition",
        "Only command jobs can be skipped; move the step out of the branch or guard it by hand.",
    ),
    "SM2AML410": Code(
        WARN,
        "if_else node is a private preview feature",
        "export AZURE_ML_CLI_PRIVATE_FEATURES_ENABLED=true before `az ml job create`; if the workspace rejects "
        "the node, convert again without --control-flow if_else.",
    ),
    "SM2AML411": Code(
        INFO,
        "Consumer of a branch step joins its if_else block",
        "Nothing to do: the node runs only when the branch it reads from runs, as in SageMaker.",
    ),
    "SM2AML412": Code(
        WARN,
        "Node reads from more than one if_else branch",
        "Move the node into a branch, or give it inputs that exist whichever branch runs.",
    ),
    "SM2AML413": Code(
        INFO,
        "Retry policy becomes the parallel job's retry settings",
        "Check max_retries in the component's retry_settings.",
    ),
    "SM2AML421": Code(
        WARN,
        "Schedule Azure ML cannot express exactly",
        "Check the closest choice named in the message; where it fires too often, let the first step skip the "
        "extra runs.",
    ),
    "SM2AML422": Code(
        ERR,
        "Schedule expression is not valid",
        "Fix the expression: AWS rejects it too. No schedule file is written for it.",
    ),
    "SM2AML423": Code(
        WARN,
        "Schedule time zone has no Azure ML equivalent known",
        "Set the schedule's time_zone to the Windows time zone name by hand, and check its start and end times.",
    ),
    "SM2AML424": Code(
        WARN,
        "Schedule sets a value the pipeline cannot take",
        "Check the schedule's inputs: the value is dropped or passed as text.",
    ),
    "SM2AML425": Code(
        WARN,
        "Schedule is disabled in AWS",
        "Run `az ml schedule disable --name NAME` right after `az ml schedule create` (the README lists it).",
    ),
    "SM2AML426": Code(
        INFO,
        "One-time schedule becomes a cron for one minute",
        "Nothing to do; delete the schedule once it has fired.",
    ),
    "SM2AML427": Code(
        INFO,
        "Rate schedule counts from its creation",
        "Set start_time in the schedule file to fix when it fires.",
    ),
    "SM2AML428": Code(
        WARN,
        "Schedule passes the time it fired",
        "Check that the step reads the time in the format Azure ML gives it.",
    ),
    "SM2AML501": Code(ERR, "Output folder exists and is not empty", "Pass --force to replace it."),
    "SM2AML502": Code(ERR, "Binding does not resolve", "This is a defect in the conversion; please report it."),
    "SM2AML503": Code(ERR, "Illegal name", "This is a defect in the conversion; please report it."),
    "SM2AML504": Code(ERR, "Referenced file is missing", "This is a defect in the conversion; please report it."),
    "SM2AML505": Code(ERR, "Azure ML rejects a file", "See the message from azure-ai-ml."),
    "SM2AML507": Code(
        WARN, "No step was converted", "pipeline.yml has no jobs; rebuild the steps listed in MIGRATION_REPORT.md."
    ),
    "SM2AML506": Code(
        WARN,
        "Literal contains an Azure ML binding marker",
        "The `${{` in the value was escaped so Azure ML does not read it as a binding.",
    ),
    "SM2AML510": Code(
        ERR, "Input could not be assessed", "This is a defect in sm2aml; please report it with the input."
    ),
    "SM2AML511": Code(INFO, "File skipped: not a SageMaker pipeline", "Name the file explicitly to see why it fails."),
    "SM2AML512": Code(ERR, "Report cannot be written", "Check the -o path and its folder's permissions."),
}


def locate(source: str, where: str) -> str:
    """Join a file name and a place in it: file#/json/pointer or file:line:col. A place that names its own file
    (`events/rule.json#/ScheduleExpression`, a finding about another input) stays as it is."""
    if not source or ("#/" in where and not where.startswith("/")):
        return where
    if not where:
        return source
    return f"{source}#{where}" if where.startswith("/") else f"{source}:{where}"


class LoadError(Exception):
    """The input cannot be turned into a pipeline; carries the first error and every finding."""

    def __init__(self, diagnostic: Diagnostic, source: str = "", found: tuple[Diagnostic, ...] = ()):
        self.diagnostic = diagnostic
        self.source = source
        self.found = found or (diagnostic,)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        d = self.diagnostic
        return f"{locate(self.source, d.where)}: {d.severity} {d.code}: {d.message}"
