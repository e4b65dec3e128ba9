#!/usr/bin/env python3
"""A TCP server on 127.0.0.1 that accepts connections and never sends a byte: a hung mail
server or gateway. Writes the port it listens on to --port-file; stops on SIGTERM."""
import argparse, socket, threading

from fixture_common import announce_port_and_wait, unblock_signals

parser = argparse.ArgumentParser()
parser.add_argument("--dir")
parser.add_argument("--port-file", required=True)
args = parser.parse_args()

unblock_signals()
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
held = []


def accept_forever():
    while True:
        connection, _ = listener.accept()
        held.append(connection)  # kept open, never answered


threading.Thread(target=accept_forever, daemon=True).start()
announce_port_and_wait(args.port_file, listener.getsockname()[1])
