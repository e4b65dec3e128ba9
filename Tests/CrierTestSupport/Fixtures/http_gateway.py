#!/usr/bin/env python3
"""A test SMS gateway over HTTP on 127.0.0.1 (stdlib http.server) that saves what it receives.

Every request becomes DIR/NNNNNN.json, written before the reply:
  {"method", "path", "headers": [[name, value], ...], "body": text (UTF-8, undecoded),
   "peer_port", "recipient"}
The recipient is the form field To (application/x-www-form-urlencoded) or the JSON "to".
Magic recipients, by their last digits:
  ...0429  429 with Retry-After and a JSON error      ...0503  503 with a JSON error
  ...0400  400 with a Twilio-like JSON error           ...0401  401 with a JSON error
  ...0555  the reply comes after --slow seconds (201)  ...0666  the connection is closed, no reply
  ...0204  200 with an empty body                      ...0422  422 with a long non-ASCII error
  ...0201  201 with a numeric "id" / "sid"
With --tlscert and --tlskey it speaks HTTPS only.
With --user and --password (basic auth) or --token (bearer), a request without them gets 401.
GET answers 200 with {"messages": []} (as Twilio's Messages.json lists messages); it is not saved.
Anything else: 201 with {"sid": "SM<32 hex digits of N>"} for a form request, else
{"id": "msg-N"}, N being the request's number (1, 2, ...).
Writes the port it listens on to --port-file once it accepts connections; stops on SIGTERM.
"""
import argparse, base64, json, os, socket, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fixture_common import announce_port_and_wait, server_tls_context, unblock_signals

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--port-file", required=True)
parser.add_argument("--slow", type=float, default=5.0)
parser.add_argument("--tlscert")
parser.add_argument("--tlskey")
parser.add_argument("--user")
parser.add_argument("--password")
parser.add_argument("--token")
args = parser.parse_args()

unblock_signals()

lock = threading.Lock()
counter = [0]


def recipient_of(content_type, body):
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = urllib.parse.parse_qs(body, keep_blank_values=True).get("To", [])
        return values[0] if values else ""
    try:
        value = json.loads(body).get("to", "")
        return value if isinstance(value, str) else ""
    except Exception:
        return ""


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1: keep-alive (the client may reuse its connection) and Expect: 100-continue.
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def reply(self, status, payload, extra=()):
        data = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        """Whether the request carries the credentials the server was started with (if any)."""
        given = self.headers.get("Authorization", "")
        if args.user is not None:
            expected = base64.b64encode(f"{args.user}:{args.password or ''}".encode()).decode()
            return given == "Basic " + expected
        if args.token is not None:
            return given == "Bearer " + args.token
        return True

    def do_GET(self):
        if not self.authorized():
            return self.reply(401, {"code": 20003, "message": "Authenticate"})
        return self.reply(200, {"messages": []})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not self.authorized():
            return self.reply(401, {"code": 20003, "message": "Authenticate"})
        body = raw.decode("utf-8", errors="replace")
        content_type = self.headers.get("Content-Type", "")
        to = recipient_of(content_type, body)
        with lock:
            counter[0] += 1
            n = counter[0]
        record = {
            "method": self.command,
            "path": self.path,
            # http.client reads header bytes as Latin-1: give back the UTF-8 the client sent.
            "headers": [[k, v.encode("latin-1").decode("utf-8", errors="replace")] for k, v in self.headers.items()],
            "body": body,
            "peer_port": self.client_address[1],
            "recipient": to,
        }
        path = os.path.join(args.dir, "%06d.json" % n)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)

        if to.endswith("0429"):
            return self.reply(429, {"code": 20429, "message": "Too Many Requests"}, [("Retry-After", "1")])
        if to.endswith("0503"):
            return self.reply(503, {"code": 20503, "message": "Service Unavailable"})
        if to.endswith("0400"):
            return self.reply(400, {"code": 21211, "message": f"The 'To' number {to} is not a valid phone number.",
                                    "status": 400})
        if to.endswith("0401"):
            return self.reply(401, {"code": 20003, "message": "Authenticate"})
        if to.endswith("0422"):
            return self.reply(422, {"message": "Ko te nama waea " + to + " kāore i te tika. " + "号码无效。" * 80})
        if to.endswith("0201"):
            return self.reply(201, {"sid": 4242, "id": 4242})
        if to.endswith("0666"):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if to.endswith("0555"):
            time.sleep(args.slow)
        if to.endswith("0204"):
            return self.reply(200, None)
        if content_type.startswith("application/x-www-form-urlencoded"):
            return self.reply(201, {"sid": "SM%032x" % n, "status": "queued", "to": to})
        return self.reply(201, {"id": "msg-%d" % n, "status": "accepted"})

    do_PUT = do_POST


class Server(ThreadingHTTPServer):
    daemon_threads = True


os.makedirs(args.dir, exist_ok=True)
server = Server(("127.0.0.1", 0), Handler)
port = server.server_address[1]
if args.tlscert:
    context = server_tls_context(args.tlscert, args.tlskey)
    server.socket = context.wrap_socket(server.socket, server_side=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
announce_port_and_wait(args.port_file, port)
