"""Checks what zen's kubeflow compiler writes with Kubeflow's own packages (kfp 2.17.3).

  python kfp_check.py validate < {"pipelineSpec": ..., "platformSpec": ...}
      strict protobuf parsing (unknown fields and wrong types fail) of the spec, of its deploymentSpec
      and of the Kubernetes platform section, then the SDK's load-and-recompile round trip;
      prints {"recompiled": [docs...]} or exits 1 with the parser's message.
  python kfp_check.py golden-quickstart IMAGE PIPELINE_FILE STACK
      the quickstart pipeline written with the kfp DSL, compiled by the SDK; prints its documents.
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


def main():
    command = sys.argv[1]
    try:
        if command == "validate":
            result = validate(json.load(sys.stdin))
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
