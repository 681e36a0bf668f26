# SPDX-License-Identifier: MIT
"""Shared helpers of the `gigawatt web` tests: start the server on a free
port (--port 0, the URL read from its first line), stop it, skip (exit 77)
when this build has no server."""
import os
import re
import signal
import subprocess
import sys

SKIP = 77


def skip(why):
    print("SKIP: " + why)
    sys.exit(SKIP)


class Server:
    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([binary, "web", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"(http://[0-9.]+:(\d+)/)", line)
        if not m:
            err = self.proc.stderr.read()
            self.proc.wait()
            if "without libmicrohttpd" in err:
                skip("gigawatt was built without libmicrohttpd (Debian: libmicrohttpd-dev)")
            raise SystemExit("gigawatt web did not start: %r %r" % (line, err))
        self.url = m.group(1)
        self.port = int(m.group(2))

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM; returns (exit status, stdout rest, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, out, err


def binary_from_argv():
    if len(sys.argv) < 2 or not os.access(sys.argv[1], os.X_OK):
        raise SystemExit("usage: %s path/to/gigawatt [args]" % sys.argv[0])
    return sys.argv[1]
