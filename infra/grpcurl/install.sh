#!/usr/bin/env bash
# Installs grpcurl (the standard gRPC command-line client) into <repo>/.infra/bin from the Go
# module proxy, for the reflection test (services/embedded/src/reflection.e2e.spec.ts), which
# checks that standard tools can list, describe and call every service. Needs Go (go1.21+).
# Prints the binary's path. Idempotent: an installed grpcurl of this version is reused.
set -euo pipefail
VERSION="${GRPCURL_VERSION:-v1.9.3}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/.infra/bin"
mkdir -p "$BIN"
if [ -x "$BIN/grpcurl" ] && "$BIN/grpcurl" -version 2>&1 | grep -q "${VERSION#v}"; then
  echo "$BIN/grpcurl"
  exit 0
fi
GO="$(command -v go || true)"
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
if [ -z "$GO" ]; then
  echo "[grpcurl] Go is not installed: install Go (https://go.dev/dl) or put grpcurl on PATH as GRPCURL" >&2
  exit 1
fi
echo "[grpcurl] installing grpcurl $VERSION with $("$GO" version)" >&2
GOBIN="$BIN" GOFLAGS=-mod=mod "$GO" install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$VERSION" >&2
echo "$BIN/grpcurl"
