"""A throwaway SMTP server for tests/notify.rs (aiosmtpd, Debian's python3-aiosmtpd).

usage: smtp_sink.py DIR MODE [USER PASSWORD]
MODE: plain (no TLS, no AUTH), starttls (STARTTLS required, then AUTH with USER/PASSWORD
required) or implicit (TLS from the first byte, AUTH required). For the TLS modes it makes a
CA and a certificate for 127.0.0.1 signed by it (DIR/ca.pem is what the client must trust).
Each message is saved as DIR/msg-N.eml with DIR/msg-N.json (envelope and login). When it
listens it writes its port to DIR/ready; it runs until killed.
"""
import datetime
import json
import os
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

out, mode = sys.argv[1], sys.argv[2]
user, password = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else (None, None)
count = 0


def make_certs():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tapebackarr test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256()))
    pem = lambda c: c.public_bytes(serialization.Encoding.PEM)
    with open(os.path.join(out, "ca.pem"), "wb") as f:
        f.write(pem(ca))
    with open(os.path.join(out, "cert.pem"), "wb") as f:
        f.write(pem(leaf))
    with open(os.path.join(out, "key.pem"), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(os.path.join(out, "cert.pem"), os.path.join(out, "key.pem"))
    return ctx


class Handler:
    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        base = os.path.join(out, f"msg-{count}")
        with open(base + ".eml.part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                "login": session.login_data.decode() if isinstance(session.login_data, bytes) else session.login_data,
                "tls": session.ssl is not None}
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        # Renamed last: a reader that sees the .eml sees all of it.
        os.rename(base + ".eml.part", base + ".eml")
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
            and auth_data.password.decode() == password:
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


port = free_port()
kwargs = {}
if mode == "starttls":
    kwargs = dict(tls_context=make_certs(), require_starttls=True, authenticator=authenticator,
                  auth_required=True, auth_require_tls=True)
elif mode == "implicit":
    kwargs = dict(ssl_context=make_certs(), authenticator=authenticator, auth_required=True,
                  auth_require_tls=False)
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
with open(os.path.join(out, "ready.part"), "w") as f:
    f.write(str(port))
os.rename(os.path.join(out, "ready.part"), os.path.join(out, "ready"))
while True:
    time.sleep(3600)
