"""What the test servers of this folder share: signals, TLS, announcing the port, staying up."""
import os, signal, ssl


def unblock_signals():
    """A parent that spawns from a thread with signals blocked (libdispatch and Swift Testing
    workers do) passes that mask on: unblock everything so SIGTERM stops the server."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, set(signal.Signals))


def server_tls_context(certfile, keyfile):
    """A server-side TLS context with the given certificate and key."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context


def announce_port_and_wait(port_file, port):
    """Writes the port (temp file + rename, so the reader never sees half of it), then sleeps
    until SIGTERM or SIGINT, which exit at once whatever connections are open."""
    with open(port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(port_file + ".tmp", port_file)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    while True:
        signal.pause()
