#!/usr/bin/env python3
"""Runs a real `pulumi` command on the Python project in the current folder, with its
program served by the Python SDK's own language server: the one the Automation API
serves inline programs with (`--client`).

    python pulumi-with-python-program.py <program.py> <pulumi args...>

Why: the CLI normally starts `pulumi-language-python`, which the Go module proxy this
project reaches does not serve (see scripts/pulumi-cli.sh). Everything else is the real
thing: the Go engine plans, diffs, displays, stores state and runs policy packs; the
program, the SDK generated from the plugin's schema and the `pulumi` package from PyPI
are the user's. Run it with the project's Python (its virtualenv). The process exits
with the CLI's exit code.
"""
import runpy
import subprocess
import sys
from concurrent import futures

import grpc
from pulumi.automation._server import LanguageServer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import language_pb2_grpc


def main() -> int:
    if len(sys.argv) < 3:
        sys.stderr.write("usage: python pulumi-with-python-program.py <program.py> <pulumi args...>\n")
        return 2
    program_file, pulumi_args = sys.argv[1], sys.argv[2:]

    # `pulumi up` runs the program twice (preview, then update): each run evaluates it afresh.
    def program() -> None:
        runpy.run_path(program_file, run_name="__main__")

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=_GRPC_CHANNEL_OPTIONS)
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageServer(program), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        return subprocess.call(["pulumi", *pulumi_args, f"--client=127.0.0.1:{port}"])
    except FileNotFoundError as error:
        sys.stderr.write(f"pulumi-with-python-program: cannot start pulumi: {error}\n")
        return 127
    finally:
        server.stop(0)


if __name__ == "__main__":
    sys.exit(main())
