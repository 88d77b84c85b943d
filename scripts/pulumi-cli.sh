#!/usr/bin/env bash
# Builds the real Pulumi CLI from the Go module proxy, for the Pulumi release that matches our
# development @pulumi/pulumi, into a cache outside the work tree, with the launchers Pulumi bundles,
# the YAML language host and sdkgen (for the provider plugin's tests), and the Node.js language host
# when the proxy serves it (see below). A no-op when the binaries are already there (delete the
# cache's bin/sdkgen after changing scripts/sdkgen/main.go). Prints the folder holding the binaries
# on stdout; progress goes to stderr.
#
#   scripts/pulumi-cli.sh            build (or find) and print the bin folder
#   PULUMI_CLI_VERSION=3.247.0 ...   another release
#   PULUMI_CLI_CACHE=/path ...       another cache root (default ~/.cache/pulumi-registry-scanning)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
version="${PULUMI_CLI_VERSION:-$(node -p 'const p = require(process.argv[1]); (p.devDependencies || {})["@pulumi/pulumi"] || p.dependencies["@pulumi/pulumi"]' "$here/package.json")}"
version="${version#v}"
cache_root="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-registry-scanning}"
bin="$cache_root/cli-v$version/bin"

# The Node.js language host is a module of its own with no tags: it is named by the pseudo-version
# of the commit each release was tagged at (tag pkg/vX, then tag vX as a fallback).
language_host_versions() {
  case "$1" in
    3.248.0) echo "v3.0.0-20260624180030-dc7edd58bc13 v3.0.0-20260624120734-a88168d865b7" ;;
    *) echo "no pseudo-version of pulumi-language-nodejs is known for $1: add it to scripts/pulumi-cli.sh" >&2; return 1 ;;
  esac
}

launchers=(pulumi-resource-pulumi-nodejs pulumi-analyzer-policy-nodejs)
# The YAML language host is a tagged module of its own (any release speaks the engine's protocol).
yaml_version="${PULUMI_YAML_VERSION:-v1.25.0}"
ready() {
  [[ -x "$bin/pulumi" && -x "$bin/pulumi-language-yaml" && -x "$bin/sdkgen" ]] || return 1
  for l in "${launchers[@]}"; do [[ -x "$bin/$l" ]] || return 1; done
}
if ready; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "pulumi-cli.sh: Go is needed to build the Pulumi CLI (go 1.26 or later)" >&2; exit 1; }
mkdir -p "$bin"
work="$cache_root/cli-v$version/build"
mkdir -p "$work"

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"

# A wrapper module of our own: `go install pkg@version` refuses pkg's go.mod (it has replace
# lines), while a dependency's replace lines are simply ignored.
build_in_wrapper() { # name, package, output, module@version...
  local name="$1" package="$2" output="$3"; shift 3
  local dir="$work/$name"
  mkdir -p "$dir"
  (cd "$dir" \
    && { [[ -f go.mod ]] || go mod init "local.build/$name" >&2; } \
    && go get "$@" >&2 \
    && echo "pulumi-cli.sh: building $output ($package)" >&2 \
    && go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$bin/$output.tmp" "$package" >&2) \
  && mv "$bin/$output.tmp" "$bin/$output"
}

if [[ ! -x "$bin/pulumi" ]]; then
  echo "pulumi-cli.sh: building pulumi v$version from the Go module proxy (a cold build takes 5-25 minutes)" >&2
  build_in_wrapper cli github.com/pulumi/pulumi/pkg/v3/cmd/pulumi pulumi \
    "github.com/pulumi/pulumi/pkg/v3@v$version" "github.com/pulumi/pulumi/sdk/v3@v$version" \
    "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version" \
    || { echo "pulumi-cli.sh: pulumi v$version did not build" >&2; exit 1; }
fi

if [[ ! -x "$bin/pulumi-language-yaml" ]]; then
  echo "pulumi-cli.sh: building pulumi-language-yaml $yaml_version" >&2
  build_in_wrapper yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml pulumi-language-yaml \
    "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$yaml_version" \
    || { echo "pulumi-cli.sh: pulumi-language-yaml $yaml_version did not build" >&2; exit 1; }
fi

# sdkgen (scripts/sdkgen): Pulumi's own SDK generators, from pkg/v3 of this release, for the
# languages whose hosts the proxy does not serve (Python, Go): see its comment.
if [[ ! -x "$bin/sdkgen" ]]; then
  mkdir -p "$work/sdkgen"
  cp "$here/scripts/sdkgen/main.go" "$work/sdkgen/main.go"
  echo "pulumi-cli.sh: building sdkgen" >&2
  build_in_wrapper sdkgen . sdkgen "github.com/pulumi/pulumi/sdk/v3@v$version" \
    "github.com/pulumi/pulumi/pkg/v3/codegen/schema@v$version" "github.com/pulumi/pulumi/pkg/v3/codegen/python@v$version" \
    "github.com/pulumi/pulumi/pkg/v3/codegen/go@v$version" "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs@v$version" github.com/blang/semver \
    || { echo "pulumi-cli.sh: sdkgen did not build" >&2; exit 1; }
fi

# The Node.js language host is a module of its own, named by pseudo-version. The module proxy this
# project reaches refuses it (403 "This module version is not available", even its version list),
# so it is optional here: the engine suite serves programs through the Node SDK's own language
# server instead (scripts/pulumi-with-program.js). If the proxy starts serving it, it is built.
if [[ ! -x "$bin/pulumi-language-nodejs" && -z "${PULUMI_CLI_SKIP_LANGUAGE_HOST:-}" ]]; then
  for pseudo in $(language_host_versions "$version" || true); do
    if build_in_wrapper "language-nodejs-$pseudo" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 \
        pulumi-language-nodejs "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$pseudo" 2>"$work/language-nodejs.log"; then
      break
    fi
    echo "pulumi-cli.sh: pulumi-language-nodejs@$pseudo is not available: $(grep -m1 -o '40[0-9] [A-Za-z]*' "$work/language-nodejs.log" || tail -n1 "$work/language-nodejs.log")" >&2
  done
fi

# The engine runs dynamic providers through this bundled launcher: it resolves the SDK's
# dynamic-provider host from the program's folder and hands it the engine's arguments.
cat > "$bin/pulumi-resource-pulumi-nodejs.tmp" <<'LAUNCHER'
#!/bin/sh
exec node -e 'require(require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] }))' -- "$0" "$@"
LAUNCHER
# Without a Node.js language host the engine starts a policy pack through this launcher, in the
# pack's folder, with the engine's address and "." (the pack): the SDK's run-policy-pack does the rest.
cat > "$bin/pulumi-analyzer-policy-nodejs.tmp" <<'LAUNCHER'
#!/bin/sh
exec node -e 'require(require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [process.cwd()] }))' -- "$0" "$@"
LAUNCHER
for l in "${launchers[@]}"; do chmod +x "$bin/$l.tmp" && mv "$bin/$l.tmp" "$bin/$l"; done

"$bin/pulumi" version >&2
echo "$bin"
