#!/usr/bin/env python3
"""A small SMTP relay for Ebb's reply mails, for hosts without Postfix or Exim.

Listens on --listen (put it behind your MX, or on a private port your provider forwards
to), takes every message, and pipes it to `ebb mail-inbound --recipient <rcpt>` once per
envelope recipient. The exit code becomes the SMTP answer: 0 -> 250, 65/67 -> 550 (the
sender's server bounces with Ebb's reason), anything else -> 451 (the sender retries).

    python3 -m venv /opt/ebb-relay && /opt/ebb-relay/bin/pip install aiosmtpd
    EBB_INBOUND_MAIL_SECRET=... /opt/ebb-relay/bin/python scripts/mail-relay.py \\
        --listen 127.0.0.1:2525 -- ebb mail-inbound --url http://127.0.0.1:8080

Everything after `--` is the command to run (the secret is passed on in the environment).
"""

import argparse
import asyncio
import signal
import sys

from aiosmtpd.controller import Controller

# sysexits.h codes `ebb mail-inbound` uses for mail that must bounce.
BOUNCE = {65, 67}


class Relay:
    """aiosmtpd handler: each message to `command` on stdin, once per recipient."""

    def __init__(self, command):
        self.command = command

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        for rcpt in envelope.rcpt_tos:
            proc = await asyncio.create_subprocess_exec(
                *self.command,
                "--recipient",
                rcpt,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            _, err = await proc.communicate(raw)
            reason = err.decode("utf-8", "replace").strip().splitlines()
            reason = (reason[-1] if reason else "refused")[:200]
            if proc.returncode in BOUNCE:
                return f"550 5.1.1 {reason}"
            if proc.returncode != 0:
                return f"451 4.3.0 {reason}"
        return "250 2.0.0 OK"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:2525", help="host:port to listen on")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- ebb mail-inbound ...")
    args = parser.parse_args()
    command = [c for c in args.command if c != "--"] or ["ebb", "mail-inbound"]
    host, _, port = args.listen.rpartition(":")
    controller = Controller(Relay(command), hostname=host, port=int(port), decode_data=False)
    controller.start()
    print(f"relaying mail from {args.listen} to {' '.join(command)}", flush=True)
    stop = asyncio.new_event_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        stop.add_signal_handler(sig, stop.stop)
    stop.run_forever()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
