"""A real IMAP server for the tests that read the bounce mailbox: a private Dovecot (Debian's dovecot-imapd,
installed by scripts/install.sh) on a free port of 127.0.0.1.

Nothing of the Debian package's own service is used: the server runs `dovecot -F -c <conf>` with a configuration,
a base_dir (its sockets), a state_dir, a log, a passwd-file and a maildir of its own in a temporary folder, plain
text login on one port (imap://) and TLS on another (imaps://, a self-signed certificate), one user. As root (CI) Dovecot refuses to run its login processes or to open mail as root:
they then run as the package's unprivileged users (dovenull, dovecot); as any other user, everything runs as
that user, without chroot. Used through the `imap_server` fixture (pytest_plugin.py), which marks its tests `server`.
"""

import contextlib
import datetime
import email.message
import grp
import imaplib
import ipaddress
import os
import pwd
import re
import secrets
import shutil
import tempfile
from pathlib import Path

from . import servers

TIMEOUT = 10  # seconds, for every IMAP command the helpers send
SBIN = "/usr/sbin:/sbin"


def dovecot_executable():
    found = shutil.which("dovecot", path=f"{os.environ.get('PATH', '')}:{SBIN}")
    assert found, "dovecot is needed (apt-get install dovecot-imapd, done by scripts/install.sh)"
    return found


class IMAPServer(servers.Server):
    """A Dovecot of its own: host, port, user, password, url (NEWSLETTER_BOUNCE_IMAP_URL's form), append(message),
    messages(), clear(). close() stops it and removes its folder.

    It also answers IMAP over TLS on tls_port (tls_url) with a self-signed certificate for 127.0.0.1, cert_path:
    a client trusts it with SSL_CERT_FILE=cert_path."""

    host = "127.0.0.1"
    user = "bounces"
    mailbox = "INBOX"

    def __init__(self):
        self.executable = dovecot_executable()
        # Its own folder in /tmp, not pytest's tmp_path: Unix socket paths are short (108 bytes), and as root the
        # mail processes run as an unprivileged user who must be able to reach the maildir.
        self.folder = Path(tempfile.mkdtemp(prefix="imap-"))
        self.port = servers.free_port()
        self.tls_port = servers.free_port()
        self.password = secrets.token_hex(12)
        self.log_path = self.folder / "dovecot.log"
        self._configure()

    @property
    def url(self):
        return f"imap://{self.user}:{self.password}@{self.host}:{self.port}/{self.mailbox}"

    @property
    def tls_url(self):
        return f"imaps://{self.user}:{self.password}@{self.host}:{self.tls_port}/{self.mailbox}"

    def _certificate(self):
        """A self-signed certificate for 127.0.0.1 and its key, in the folder."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, self.host)])
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(self.host))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        self.cert_path = self.folder / "cert.pem"
        self.cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_path = self.folder / "key.pem"
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        key_path.chmod(0o600)
        return self.cert_path, key_path

    def _configure(self):
        mail = self.folder / "mail"
        mail.mkdir()
        if os.geteuid() == 0:
            internal, login = "dovecot", "dovenull"  # made by the Debian package
            for name in (internal, login):
                try:
                    pwd.getpwnam(name)
                except KeyError:
                    raise AssertionError(f"the user {name} is needed (made by the dovecot-core package)") from None
            self.folder.chmod(0o755)
            account = pwd.getpwnam(internal)
            os.chown(mail, account.pw_uid, account.pw_gid)
        else:
            internal = login = pwd.getpwuid(os.geteuid()).pw_name
        passwd = self.folder / "passwd"  # read by the auth process, which runs as the internal user
        passwd.write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        passwd.chmod(0o600)
        if os.geteuid() == 0:
            os.chown(passwd, account.pw_uid, account.pw_gid)
        cert, key = self._certificate()
        self.config_path = self.folder / "dovecot.conf"
        self.config_path.write_text(f"""\
base_dir = {self.folder}/run
state_dir = {self.folder}/state
instance_name = manchette-test-{self.port}
log_path = {self.log_path}
protocols = imap
listen = {self.host}
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
# A test that logs in with a wrong password must not slow down the next ones (no delay, no penalty).
auth_failure_delay = 0
default_internal_user = {internal}
default_internal_group = {_group(internal)}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.folder}/passwd
}}
userdb {{
  driver = static
  args = uid={internal} gid={_group(internal)} home={mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {self.host}
    port = {self.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
""")

    def command(self):
        return [self.executable, "-F", "-c", str(self.config_path)]

    def wait(self):
        servers.wait_for_port(self.port, self.process, self.log)
        servers.wait_until(self._answers, self.process, self.log, TIMEOUT, f"Dovecot lets {self.user} in")
        return self

    def _answers(self):
        try:
            with self.connect():
                return True
        except (OSError, imaplib.IMAP4.error):
            return False

    @contextlib.contextmanager
    def connect(self):
        """An IMAP4 connection, logged in, with the mailbox selected."""
        imap = imaplib.IMAP4(self.host, self.port, timeout=TIMEOUT)
        try:
            imap.login(self.user, self.password)
            imap.select(self.mailbox)
            yield imap
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                imap.logout()

    def append(self, message, flags=""):
        """Puts MESSAGE (bytes, str or an email.message.Message) in the mailbox, unseen unless FLAGS say;
        returns its UID."""
        if isinstance(message, email.message.Message):
            message = message.as_bytes()
        elif isinstance(message, str):
            message = message.encode()
        message = re.sub(rb"\r?\n", b"\r\n", message)
        with self.connect() as imap:
            typ, data = imap.append(self.mailbox, f"({flags})" if flags else None, None, message)
            assert typ == "OK", data
            found = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
            return int(found.group(1)) if found else None

    def messages(self):
        """{uid: (flags, bytes)} of what the mailbox holds, read without marking anything seen."""
        held = {}
        with self.connect() as imap:
            _, data = imap.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
            for item in data:
                if isinstance(item, tuple):
                    uid = int(re.search(rb"UID (\d+)", item[0]).group(1))
                    flags = re.search(rb"FLAGS \(([^)]*)\)", item[0])
                    held[uid] = (flags.group(1).decode() if flags else "", item[1])
        return held

    def clear(self):
        with self.connect() as imap:
            _, data = imap.search(None, "ALL")
            if data and data[0]:
                imap.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                imap.expunge()

    def close(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _group(user):
    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name

