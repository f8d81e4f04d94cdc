"""Checks what zen's kubeflow compiler writes with Kubeflow's own packages (kfp 2.17.3).

  python kfp_check.py validate < {"pipelineSpec": ..., "platformSpec": ...}
      strict protobuf parsing (unknown fields and wrong types fail) of the spec, of its deploymentSpec
      and of the Kubernetes platform section, then the SDK's load-and-recompile round trip;
      prints {"recompiled": [docs...]} or exits 1 with the parser's message.
  python kfp_check.py golden-quickstart IMAGE PIPELINE_FILE STACK
      the quickstart pipeline written with the kfp DSL, compiled by the SDK; prints its documents.
  python kfp_check.py check-models < [{"model": "V2beta1Run", "body": {...}}, ...]
      each body against kfp-server-api's generated v2beta1 model: every field known, every type right;
      prints the problems found (a list of strings).
  python kfp_check.py local-run PACKAGE ZEN_RUN_ID PIPELINE_ROOT
      runs the package with kfp.local's subprocess runner (container-component check lifted).
  python kfp_check.py descriptors
      the official protos as a FileDescriptorSet (base64), for @bufbuild/protobuf in TypeScript.
  python kfp_check.py client-wire HOST PACKAGE TOKEN
      the official kfp.Client uploads PACKAGE, creates an experiment and a run, reads the run back.
"""
import json
import os
import sys
import tempfile

import yaml
from google.protobuf import json_format
from kfp import compiler, components, dsl
from kfp.pipeline_spec import pipeline_spec_pb2
from kfp.kubernetes import kubernetes_executor_config_pb2


def strict(message, value):
    json_format.ParseDict(value, message, ignore_unknown_fields=False)
    return message


def read_docs(path):
    with open(path) as f:
        return [doc for doc in yaml.safe_load_all(f) if doc is not None]


def validate(package):
    spec = package["pipelineSpec"]
    strict(pipeline_spec_pb2.PipelineSpec(), spec)
    strict(pipeline_spec_pb2.PipelineDeploymentConfig(), spec["deploymentSpec"])
    docs = [spec]
    platform = package.get("platformSpec")
    if platform is not None:
        strict(pipeline_spec_pb2.PlatformSpec(), platform)
        executors = platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
        for config in executors.values():
            strict(kubernetes_executor_config_pb2.KubernetesExecutorConfig(), config)
        docs.append(platform)
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "zen.yaml")
        with open(source, "w") as f:
            yaml.safe_dump_all(docs, f, sort_keys=True)
        loaded = components.load_component_from_file(source)
        target = os.path.join(tmp, "recompiled.yaml")
        compiler.Compiler().compile(loaded, target)
        return {"recompiled": read_docs(target)}


def golden_quickstart(image, pipeline_file, stack):
    command = ["zen", "step", "run"]

    def step_component(step):
        def spec(zen_run_id: str):
            return dsl.ContainerSpec(
                image=image,
                command=command,
                args=["--pipeline", pipeline_file, "--step", step, "--run-id", zen_run_id,
                      "--kfp-job", dsl.PIPELINE_JOB_NAME_PLACEHOLDER, "--stack", stack],
            )
        spec.__name__ = step
        return dsl.container_component(spec)

    load_data, split, train, evaluate, report = (
        step_component(s) for s in ("load_data", "split", "train", "evaluate", "report"))

    @dsl.pipeline(name="quickstart")
    def quickstart(zen_run_id: str = "", learningRate: float = 0.5, epochs: int = 200,
                   l2: float = 0.001, testFraction: float = 0.3, seed: int = 42):
        t_load = load_data(zen_run_id=zen_run_id).set_caching_options(False)
        t_split = split(zen_run_id=zen_run_id).set_caching_options(False).after(t_load)
        t_train = train(zen_run_id=zen_run_id).set_caching_options(False).after(t_split)
        t_eval = evaluate(zen_run_id=zen_run_id).set_caching_options(False).after(t_split, t_train)
        report(zen_run_id=zen_run_id).set_caching_options(False).after(t_eval)

    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "quickstart.yaml")
        compiler.Compiler().compile(quickstart, target)
        return read_docs(target)


INT64_FIELDS = {"max_concurrency", "interval_second"}


def check_model(value, type_name, where, problems):
    import datetime
    import re
    import kfp_server_api.models as models
    if value is None:
        return
    if type_name == "object":
        return
    list_match = re.match(r"^list\[(.+)\]$", type_name)
    if list_match:
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list, got {type(value).__name__}")
            return
        for i, item in enumerate(value):
            check_model(item, list_match.group(1), f"{where}[{i}]", problems)
        return
    dict_match = re.match(r"^dict\(str, (.+)\)$", type_name)
    if dict_match:
        if not isinstance(value, dict):
            problems.append(f"{where}: expected an object, got {type(value).__name__}")
            return
        for key, item in value.items():
            check_model(item, dict_match.group(1), f"{where}.{key}", problems)
        return
    primitive = {"str": str, "bool": bool, "int": (int, str), "float": (int, float), "date": str}
    if type_name in primitive:
        ok = isinstance(value, primitive[type_name]) and not (type_name in ("int", "float") and isinstance(value, bool))
        if type_name == "int" and isinstance(value, str) and not re.match(r"^-?[0-9]+$", value):
            ok = False
        # int64 fields are strings in the models (proto3 JSON), which read them from numbers too: kfp.Client sends numbers.
        if type_name == "str" and where.rsplit(".", 1)[-1] in INT64_FIELDS and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            problems.append(f"{where}: expected {type_name}, got {json.dumps(value)}")
        return
    if type_name == "datetime":
        try:
            datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{where}: expected a date-time, got {json.dumps(value)}")
        return
    model = getattr(models, type_name, None)
    if model is None:
        problems.append(f"{where}: kfp-server-api has no model {type_name}")
        return
    allowed = getattr(model, "allowable_values", None)
    if allowed is not None:
        if value not in allowed:
            problems.append(f"{where}: {json.dumps(value)} is not one of {allowed}")
        return
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a {type_name} object, got {json.dumps(value)}")
        return
    fields = {json_key: model.openapi_types[attr] for attr, json_key in model.attribute_map.items()}
    for key, item in value.items():
        if key not in fields:
            problems.append(f"{where}: {type_name} has no field {key!r}")
        else:
            check_model(item, fields[key], f"{where}.{key}", problems)


def check_models(items):
    problems = []
    for i, item in enumerate(items):
        check_model(item["body"], item["model"], f"#{i} {item.get('label', item['model'])}", problems)
    return problems


def client_wire(host, package, token):
    import kfp
    client = kfp.Client(host=host, existing_token=token)
    assert client.get_pipeline_id("wire") is None
    pipeline = client.upload_pipeline(package, pipeline_name="wire")
    versions = client.list_pipeline_versions(pipeline.pipeline_id, page_size=1, sort_by="created_at desc")
    version = versions.pipeline_versions[0]
    experiment = client.create_experiment("wire-experiment")
    run = client.run_pipeline(experiment_id=experiment.experiment_id, job_name="wire-run",
                              pipeline_id=pipeline.pipeline_id, version_id=version.pipeline_version_id,
                              params={"zen_run_id": "run-1"})
    state = client.get_run(run.run_id).state
    return {"run_id": run.run_id, "state": state}


def client_wire_recurring(host, package, token):
    """What kfp.Client sends to schedule a pipeline (a recurring run on a cron trigger) and to find a run by name."""
    import kfp
    client = kfp.Client(host=host, existing_token=token)
    assert client.get_pipeline_id("wire-recurring") is None
    pipeline = client.upload_pipeline(package, pipeline_name="wire-recurring")
    version = client.list_pipeline_versions(pipeline.pipeline_id, page_size=1, sort_by="created_at desc").pipeline_versions[0]
    experiment = client.create_experiment("wire-recurring-experiment")
    recurring = client.create_recurring_run(experiment_id=experiment.experiment_id, job_name="wire-nightly",
                                            cron_expression="0 30 2 * * *", max_concurrency=1, no_catchup=True,
                                            params={"zen_run_id": "run-1"}, pipeline_id=pipeline.pipeline_id,
                                            version_id=version.pipeline_version_id)
    found = client.get_recurring_run(recurring.recurring_run_id)
    predicate = {"operation": "EQUALS", "key": "display_name", "stringValue": "wire-nightly"}
    client.list_runs(namespace=None, page_size=50, sort_by="created_at desc", filter=json.dumps({"predicates": [predicate]}))
    client.list_recurring_runs(page_size=50, filter=json.dumps({"predicates": [predicate]}))
    return {"recurring_run_id": found.recurring_run_id, "status": found.status}


def client_login(host, username, password):
    """A multi-user Kubeflow's Dex login as Kubeflow's documentation scripts it (requests follows the
    redirects to the login form; the connector choice is answered with `local`), then kfp.Client with
    the session cookie."""
    import kfp
    import requests
    session = requests.Session()
    response = session.get(host)
    if response.url.split("?")[0].endswith("/auth"):
        response = session.get(response.url.replace("/auth?", "/auth/local?"))
    session.post(response.url, headers={"Content-Type": "application/x-www-form-urlencoded"},
                 data={"login": username, "password": password})
    cookie = session.cookies.get_dict()["authservice_session"]
    client = kfp.Client(host=host, cookies=f"authservice_session={cookie}")
    client.list_pipelines(page_size=1)
    return {"cookie": "authservice_session"}


def local_run(package, run_id, pipeline_root):
    """Runs a compiled package with kfp.local's SubprocessRunner, whose one refusal of container
    components is lifted (kfp pinned): each task's container command runs as a host process, in the
    spec's order, with placeholders in its arguments resolved."""
    from kfp import local
    from kfp.local import subprocess_task_handler

    subprocess_task_handler.SubprocessTaskHandler.validate_not_container_component = lambda self, full_command: None
    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=pipeline_root, raise_on_error=True)
    pipeline = components.load_component_from_file(package)
    try:
        pipeline(zen_run_id=run_id)
    except RuntimeError as error:
        return {"state": "FAILED", "error": str(error)}
    return {"state": "SUCCEEDED"}


def set_json_names(message_proto, message_descriptor):
    for field in message_proto.field:
        field.json_name = message_descriptor.fields_by_name[field.name].json_name
    for nested in message_proto.nested_type:
        set_json_names(nested, message_descriptor.nested_types_by_name[nested.name])


def descriptors():
    """The FileDescriptorSet of the official protos (pipeline spec, Kubernetes platform), dependencies
    first, base64-encoded: what TypeScript-side checks load into @bufbuild/protobuf."""
    import base64
    from google.protobuf import descriptor_pb2

    out = descriptor_pb2.FileDescriptorSet()
    seen = set()

    def add(file):
        if file.name in seen:
            return
        for dependency in file.dependencies:
            add(dependency)
        seen.add(file.name)
        proto = descriptor_pb2.FileDescriptorProto()
        file.CopyToProto(proto)
        # CopyToProto leaves json_name out; protoc always writes it, and JSON parsing needs it.
        for message in proto.message_type:
            set_json_names(message, file.message_types_by_name[message.name])
        out.file.append(proto)

    add(pipeline_spec_pb2.DESCRIPTOR)
    add(kubernetes_executor_config_pb2.DESCRIPTOR)
    return {"files": sorted(seen), "set": base64.b64encode(out.SerializeToString()).decode()}


def main():
    command = sys.argv[1]
    try:
        if command == "validate":
            result = validate(json.load(sys.stdin))
        elif command == "check-models":
            result = check_models(json.load(sys.stdin))
        elif command == "client-wire":
            import contextlib
            with contextlib.redirect_stdout(sys.stderr):  # kfp.Client prints links to its UI
                result = client_wire(*sys.argv[2:5])
        elif command in ("client-wire-recurring", "client-login"):
            import contextlib
            with contextlib.redirect_stdout(sys.stderr):
                result = client_wire_recurring(*sys.argv[2:5]) if command == "client-wire-recurring" else client_login(*sys.argv[2:5])
        elif command == "local-run":
            import contextlib
            with contextlib.redirect_stdout(sys.stderr):  # kfp.local logs each task
                result = local_run(*sys.argv[2:5])
        elif command == "descriptors":
            result = descriptors()
        elif command == "golden-quickstart":
            result = golden_quickstart(*sys.argv[2:5])
        else:
            raise SystemExit(f"unknown command {command}")
    except json_format.ParseError as error:
        print(f"ParseError: {error}", file=sys.stderr)
        sys.exit(1)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
