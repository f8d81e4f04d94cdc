# The Kubeflow tooling the kubeflow integration's tests use (sourced by install.sh after its helpers):
#   crane            go-containerregistry's CLI: `crane registry serve` is the OCI registry the step
#                    image is pushed to; `crane manifest/config/export` read it back (Apache-2.0)
#   .services/venv-kfp  Kubeflow's own Python packages, pinned: kfp (the SDK, its compiler and the
#                    kfp.local runner, with kfp-server-api), kfp-pipeline-spec (the IR protos),
#                    kfp-kubernetes (the Kubernetes platform protos) (Apache-2.0)
CRANE_VERSION="${CRANE_VERSION:-v0.22.1}"
KFP_VERSION="${KFP_VERSION:-2.17.3}"
KFP_VENV="$SVC/venv-kfp"

install_kfp_venv() {
  local want="kfp==$KFP_VERSION kfp-pipeline-spec==$KFP_VERSION kfp-kubernetes==$KFP_VERSION" stamp="$KFP_VENV/.zen-version"
  if [ -x "$KFP_VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  command -v python3 >/dev/null || { echo "install.sh: python3 (>= 3.9, with venv) is required for the Kubeflow packages." >&2; return 1; }
  echo "Installing $want into $KFP_VENV ..." >&2
  local started=$SECONDS
  rm -rf "$KFP_VENV"
  python3 -m venv "$KFP_VENV"
  # shellcheck disable=SC2086
  "$KFP_VENV/bin/pip" install -q --disable-pip-version-check $want >&2
  echo "$want" >"$stamp"
  echo "Installed the Kubeflow packages in $((SECONDS - started)) s." >&2
}
