"""Loaded by the test kernels: refuse network connections that leave this machine.

Active only when SARASEHAN_OFFLINE_GUARD=1, so it never affects learners.
"""

import os

if os.environ.get("SARASEHAN_OFFLINE_GUARD") == "1":
    import ipaddress
    import socket

    _connect = socket.socket.connect

    def _local(address) -> bool:
        if isinstance(address, (str, bytes)):  # AF_UNIX
            return True
        host = address[0]
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    def guarded_connect(self, address):
        if not _local(address):
            raise OSError(f"offline test: connection to {address!r} refused")
        return _connect(self, address)

    socket.socket.connect = guarded_connect
    _getaddrinfo = socket.getaddrinfo

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost", "127.0.0.1", "::1", "") and not str(host).startswith("127."):
            raise socket.gaierror(f"offline test: name lookup for {host!r} refused")
        return _getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = guarded_getaddrinfo
