"""A stream server behind a cable that can be cut: a network namespace of its own, joined
to this one by a veth pair, where an nftables rule drops every packet on demand.

Unlike SIGSTOP (the kernel still completes new TCP handshakes) or a killed server (the
connection is refused at once), a dropped packet gets no answer at all: a client's
established stream just stops and its new connections hang in SYN retransmits — what a
camera whose power or cable was cut looks like. Needs root (``ip netns``, ``nft``); only
addresses inside the namespace this creates are touched, and :meth:`close` removes it all.
"""

from __future__ import annotations

import os
import subprocess

NFT_TABLE = "vwblackhole"


def _run(*args: str, stdin: str | None = None) -> None:
    subprocess.run(list(args), input=stdin, text=True, check=True, capture_output=True, timeout=15)


class BlackHoleLink:
    """``host``: the address to serve on inside the namespace (reachable from here)."""

    def __init__(self, tag: str | None = None) -> None:
        tag = tag or str(os.getpid())
        self.netns = f"vwbh{tag}"
        self.outer, self.inner = f"vwo{tag}"[:15], f"vwi{tag}"[:15]
        octet = int(tag) % 250 + 1 if tag.isdigit() else 7
        self.host = f"10.231.{octet}.2"
        self._outer_addr = f"10.231.{octet}.1/30"
        self.cut = False
        self._created = False

    def open(self) -> BlackHoleLink:
        if os.geteuid() != 0:
            raise PermissionError("a black-holed server needs root (ip netns, nft)")
        _run("ip", "netns", "add", self.netns)
        self._created = True
        _run("ip", "link", "add", self.outer, "type", "veth", "peer", "name", self.inner)
        _run("ip", "link", "set", self.inner, "netns", self.netns)
        _run("ip", "addr", "add", self._outer_addr, "dev", self.outer)
        _run("ip", "link", "set", self.outer, "up")
        inside = ("ip", "netns", "exec", self.netns)
        _run(*inside, "ip", "addr", "add", f"{self.host}/30", "dev", self.inner)
        _run(*inside, "ip", "link", "set", self.inner, "up")
        _run(*inside, "ip", "link", "set", "lo", "up")
        return self

    def prefix(self) -> list[str]:
        """Prepend to a command to run it inside the namespace."""
        return ["ip", "netns", "exec", self.netns]

    def cut_cable(self) -> None:
        """Drop every packet arriving in the namespace (and so every answer): a black hole."""
        rules = (f"table inet {NFT_TABLE} {{\n chain input {{ type filter hook input priority -300; policy drop; }}\n"
                 f" chain output {{ type filter hook output priority -300; policy drop; }}\n}}\n")
        _run(*self.prefix(), "nft", "-f", "-", stdin=rules)
        self.cut = True

    def mend_cable(self) -> None:
        if self.cut:
            _run(*self.prefix(), "nft", "delete", "table", "inet", NFT_TABLE)
            self.cut = False

    def close(self) -> None:
        if not self._created:
            return
        subprocess.run(["ip", "netns", "del", self.netns], capture_output=True, timeout=15)
        subprocess.run(["ip", "link", "del", self.outer], capture_output=True, timeout=15)  # gone with the netns
        self._created = False

    def __enter__(self) -> BlackHoleLink:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()
