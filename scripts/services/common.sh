# Shared by install.sh, start.sh and stop.sh (sourced, not run). Everything lives under the
# git-ignored `.services/` of the repository, so nothing depends on hand-installed state.
SERVICES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SVC="${ZEN_SERVICES_DIR:-$SERVICES_ROOT/.services}"
mkdir -p "$SVC"/{bin,logs,data,pids,ports}

# Pinned versions (checked with `go list -m -versions` on the Go module proxy).
VERSITYGW_VERSION="${VERSITYGW_VERSION:-v1.8.0}"
FAKE_GCS_VERSION="${FAKE_GCS_VERSION:-v1.56.1}"

# Loopback ports. ZEN_S3_PORT / ZEN_GCS_PORT fix them (start.sh refuses one taken by someone else);
# otherwise these defaults are used when free, and any free port when not (another checkout's
# servers, say): tests read the endpoints from `.services/env` either way.
S3_PORT="${ZEN_S3_PORT:-7070}"
GCS_PORT="${ZEN_GCS_PORT:-4443}"
# MariaDB and PostgreSQL (Debian packages): same rule, ZEN_MARIADB_PORT / ZEN_POSTGRES_PORT fix them.
MARIADB_PORT="${ZEN_MARIADB_PORT:-3306}"
POSTGRES_PORT="${ZEN_POSTGRES_PORT:-5432}"
# A superuser per server with a password, so tests exercise password authentication too.
DB_USER="zen"
DB_PASSWORD="zen-test-password"
S3_ACCESS_KEY="zen-test-access"
S3_SECRET_KEY="zen-test-secret"
S3_REGION="us-east-1"

export GOBIN="$SVC/bin" GOFLAGS="${GOFLAGS:--modcacherw}"
# The SDKs must never probe cloud metadata endpoints (non-loopback traffic).
export AWS_EC2_METADATA_DISABLED=true METADATA_SERVER_DETECTION=none
