#!/usr/bin/env python3
"""A test SMTP server on 127.0.0.1 (aiosmtpd) that saves what it receives.

Each accepted message becomes DIR/NNNNNN.eml (the DATA bytes) and DIR/NNNNNN.json
({"mail_from", "rcpt_tos", "peer_port", "tls", "auth"}). Magic recipients:
  reject*@...  550 at RCPT        defer*@...  451 at RCPT
  drop*@...    the connection is dropped after DATA, before the reply
  slow*@...    the reply to DATA comes after --slow seconds
  refuse*@...  550 after DATA (the message as a whole)
With --relay-needs-auth (and --user/--password) AUTH is offered but not required, and every
RCPT of a session that did not log in gets 550 5.7.1 relay access denied (a relay's answer).
With --pipelining EHLO advertises PIPELINING (aiosmtpd reads pipelined commands anyway); each
message's JSON says in "mail_chunk_commands" how many commands (MAIL, RCPT, DATA) came in the
same chunk of received data as its MAIL FROM. With --idle-timeout SECONDS a session that
sends nothing for that long is closed without a word.
Writes the port it listens on to --port-file once it accepts connections; stops on SIGTERM.
"""
import argparse, asyncio, json, os, socket, threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from fixture_common import announce_port_and_wait, server_tls_context, unblock_signals

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--port-file", required=True)
parser.add_argument("--tlscert")
parser.add_argument("--tlskey")
parser.add_argument("--require-starttls", action="store_true")
parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps://)")
parser.add_argument("--user")
parser.add_argument("--password")
parser.add_argument("--slow", type=float, default=5.0)
parser.add_argument("--relay-needs-auth", action="store_true")
parser.add_argument("--pipelining", action="store_true")
parser.add_argument("--idle-timeout", type=float)
args = parser.parse_args()

unblock_signals()

lock = threading.Lock()
counter = [0]


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if args.pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if args.relay_needs_auth and not session.authenticated:
            return f"550 5.7.1 <{address}>: Relay access denied"
        if local.startswith("reject"):
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if local.startswith("defer"):
            return f"451 4.3.0 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        locals_ = [a.split("@")[0].lower() for a in envelope.rcpt_tos]
        if any(l.startswith("drop") for l in locals_):
            server.transport.abort()
            return "451 dropped"
        if any(l.startswith("slow") for l in locals_):
            await asyncio.sleep(args.slow)
        if any(l.startswith("refuse") for l in locals_):
            return "550 5.7.1 message refused by policy"
        with lock:
            counter[0] += 1
            n = counter[0]
        base = os.path.join(args.dir, "%06d" % n)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "peer_port": session.peer[1] if session.peer else None,
            "tls": session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None,
            "auth": session.authenticated,
            "mail_chunk_commands": getattr(server, "mail_chunk_commands", 0),
        }
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        return f"250 2.0.0 Ok: queued as Q{n:06d}"


def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword):
        ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        return AuthResult(success=ok, handled=False)
    return AuthResult(success=False, handled=False)


class CountingSMTP(SMTP):
    """Counts the commands that arrive in the same chunk as a MAIL FROM (3 when pipelined)."""

    def data_received(self, data):
        if b"MAIL FROM:" in data.upper():
            self.mail_chunk_commands = sum(
                1 for line in data.split(b"\r\n") if line[:4].upper() in (b"MAIL", b"RCPT", b"DATA"))
        super().data_received(data)


class CountingController(Controller):
    def factory(self):
        return CountingSMTP(self.handler, **self.SMTP_kwargs)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


kwargs = {}
if args.tlscert:
    context = server_tls_context(args.tlscert, args.tlskey)
    if args.implicit_tls:
        kwargs["ssl_context"] = context
    else:
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = args.require_starttls
if args.user:
    kwargs["authenticator"] = authenticator
    kwargs["auth_required"] = not args.relay_needs_auth
    kwargs["auth_require_tls"] = False
if args.idle_timeout:
    kwargs["timeout"] = args.idle_timeout
os.makedirs(args.dir, exist_ok=True)
port = free_port()
controller = CountingController(Handler(), hostname="127.0.0.1", port=port, ready_timeout=10, **kwargs)
controller.start()
announce_port_and_wait(args.port_file, port)
