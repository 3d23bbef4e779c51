"""Mailbox exports: one mbox per user, holding the mail they sent, received, or were copied on."""

import mailbox
import time
from collections import defaultdict
from datetime import datetime
from email import charset
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from pathlib import Path

from ingest.demo import texts
from ingest.demo.clock import local
from ingest.demo.model import Email, Lead, Reply, User, World

UTF8_QP = charset.Charset("utf-8")
UTF8_QP.body_encoding = charset.QP


def _text(body: str, subtype: str = "plain") -> MIMEText:
    return MIMEText(body, subtype, "us-ascii" if body.isascii() else UTF8_QP)


def _envelope(msg_id: str, at: datetime, offset_min: int, sender: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        ("Message-ID", msg_id),
        ("Date", format_datetime(local(at, offset_min))),
        ("From", formataddr(sender)),
    ]


def _assemble(sender: str, at: datetime, headers: list[tuple[str, str]], body: Message) -> Message:
    """The body part with the envelope headers on top and its MIME headers last, as mail clients write them
    (the legacy `email` API: fast, and it writes headers as given)."""
    mime_headers = body.items()
    for name, _ in mime_headers:
        del body[name]
    for name, value in [*headers, *mime_headers]:
        body[name] = value
    body.set_unixfrom(f"From {sender} {time.asctime(at.utctimetuple())}")
    return body


def _sent(email: Email, rep: User, lead: Lead) -> Message:
    if email.html:
        body: Message = MIMEMultipart("alternative", boundary=f"==demo-alt-{email.number:06d}==")
        body.attach(_text(email.body))
        body.attach(_text(texts.html(email.body), "html"))
    else:
        body = _text(email.body)
    headers = _envelope(email.msg_id, email.at, email.offset_min, (rep.name, rep.email))
    headers.append(("To", formataddr((f"{lead.first} {lead.last}", email.to_addr))))
    if email.cc:
        headers.append(("Cc", ", ".join(email.cc)))
    headers.append(("Subject", email.subject))
    return _assemble(rep.email, email.at, headers, body)


def _reply(reply: Reply, rep: User, lead: Lead) -> Message:
    headers = _envelope(reply.msg_id, reply.at, reply.offset_min, (f"{lead.first} {lead.last}", reply.from_addr))
    headers += [
        ("To", formataddr((rep.name, rep.email))),
        ("Subject", reply.subject),
        ("In-Reply-To", reply.in_reply_to),
        ("References", reply.in_reply_to),
    ]
    return _assemble(reply.from_addr, reply.at, headers, _text(reply.body))


def _boxes(world: World) -> dict[str, list[tuple[datetime, str, Message]]]:
    """Messages per user login, each list in time order."""
    users = {u.user_id: u for u in world.users}
    by_address = {u.email: u for u in world.users}
    leads = {lead.lead_id: lead for lead in world.leads}
    boxes: dict[str, list[tuple[datetime, str, Message]]] = defaultdict(list)
    for email in world.emails:
        rep = users[email.rep_id]
        message = _sent(email, rep, leads[email.lead_id])
        for owner in (rep, *(by_address[address] for address in email.cc)):
            boxes[owner.login].append((email.at, email.msg_id, message))
    for reply in world.replies:
        rep = users[reply.rep_id]
        boxes[rep.login].append((reply.at, reply.msg_id, _reply(reply, rep, leads[reply.lead_id])))
    for items in boxes.values():
        items.sort(key=lambda item: (item[0], item[1]))
    return boxes


def write_mailboxes(world: World, out_dir: Path) -> list[tuple[Path, int]]:
    folder = out_dir / "mailbox"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for login, items in sorted(_boxes(world).items()):
        path = folder / f"{login}.mbox"
        box = mailbox.mbox(path, create=True)
        try:
            for _, _, message in items:
                box.add(message)
            box.flush()
        finally:
            box.close()
        written.append((path, len(items)))
    return written
