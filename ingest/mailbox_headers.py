"""Mail headers as the RFCs (5322, 6532) define them, read by the `email` package's header parser (policy.default)
with three corrections for what real mail holds:

- raw 8-bit header bytes (not RFC 2047 encoded) are decoded as UTF-8, else as Windows-1252 (the email package
  would turn them into U+FFFD);
- a mailbox the parser finds invalid because its display name holds an `@` (`Mikel@Lindsaar <a@b.example>`,
  `alice@example.com <bob@example.com>`) is the address in its angle brackets, the text before them its
  display name;
- a mailbox in comment form (`barry@python.org (Barry A. Warsaw)`) has the comment as its display name.

Message-ID and In-Reply-To are read as message ids: the first `<...>` outside comments (the email package's
Message-ID parser fails on `<<x@y>>` with an IndexError). Date is read from its text as delivered, so that a
rejection names the value the sender wrote (the Date header object would show it reformatted).
"""

import re
from email import headerregistry
from email.errors import HeaderParseError
from email.policy import EmailPolicy

_ANGLE_ADDR = re.compile(r"(?P<name>[^<>]*)<(?P<spec>[^<>]+)>\s*(?:\(.*\))?\s*", re.DOTALL)
_COMMENT_OR_ID = re.compile(r'\\.|"(?:\\.|[^"\\])*"|[()]|<([^<>\s]+)>')


def decode_8bit(value: str) -> str:
    """A header value whose raw bytes the parser kept as surrogate escapes, decoded: UTF-8, else Windows-1252
    (its five unassigned bytes become U+FFFD)."""
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _has_8bit(value: str) -> bool:
    return not value.isascii() and any("\udc80" <= c <= "\udcff" for c in value)


def _angle_address(text: str) -> headerregistry.Address | None:
    """The address in the angle brackets of an invalid mailbox, named by the text before them; None when there is
    no such address or it is not an addr-spec."""
    match = _ANGLE_ADDR.fullmatch(text.strip())
    if match is None:
        return None
    name = match.group("name").strip()
    if len(name) > 1 and name[0] == name[-1] == '"':
        name = name[1:-1]
    try:
        return headerregistry.Address(display_name=name, addr_spec=match.group("spec").strip())
    except (ValueError, HeaderParseError):
        return None


def _address(mailbox) -> headerregistry.Address:
    """One mailbox of the parse tree as an Address, corrected for the two forms the parser does not name."""
    if mailbox.token_type == "invalid-mailbox" and (found := _angle_address(str(mailbox))) is not None:
        return found
    name = mailbox.display_name or ""
    if not name and mailbox[0].token_type == "addr-spec":
        name = " ".join(" ".join(c.split()) for c in mailbox.comments)
    return headerregistry.Address(name, mailbox.local_part or "", mailbox.domain or "")


class _Mailboxes(headerregistry.UniqueAddressHeader):
    """From, To and Cc: the groups built from the parser's tree as `AddressHeader.parse` builds them, each mailbox
    read by `_address` (the header class's documented `parse` hook)."""

    @classmethod
    def parse(cls, value, kwds):
        if not isinstance(value, str):
            super().parse(value, kwds)
            return
        kwds["parse_tree"] = tree = cls.value_parser(value)
        kwds["groups"] = [
            headerregistry.Group(a.display_name, [_address(m) for m in a.all_mailboxes]) for a in tree.addresses
        ]
        kwds["defects"] = list(tree.all_defects)
        kwds["decoded"] = ", ".join(str(group) for group in kwds["groups"])


class _Policy(EmailPolicy):
    """policy.default, with 8-bit header bytes decoded before a header object is made of them."""

    def header_fetch_parse(self, name, value):
        if isinstance(value, str) and _has_8bit(value):
            value = decode_8bit(value)
        return super().header_fetch_parse(name, value)


def _registry() -> headerregistry.HeaderRegistry:
    registry = headerregistry.HeaderRegistry()
    for name in ("from", "to", "cc"):
        registry.map_to_type(name, _Mailboxes)
    for name in ("message-id", "date"):  # read by first_msg_id and parsedate_to_datetime, their text as delivered
        registry.map_to_type(name, headerregistry.UnstructuredHeader)
    return registry


POLICY = _Policy(header_factory=_registry())


def first_msg_id(value: str | None) -> str | None:
    """The first msg-id (`<id>`, brackets dropped) of a Message-ID, In-Reply-To or References value, comments and
    other text skipped; a value without one that is a single bare token (`id@host`) is that token; else None."""
    if value is None:
        return None
    depth = 0
    for match in _COMMENT_OR_ID.finditer(value):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(depth - 1, 0)
        elif depth == 0 and match.group(1):
            return match.group(1)
    bare = value.strip()
    return bare if bare and "(" not in bare and not any(c.isspace() or c in "<>" for c in bare) else None
