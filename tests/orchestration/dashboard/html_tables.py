"""Read a table of a rendered page as a reader sees it: each body row's attributes, its cells' text and classes."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Row:
    attributes: dict[str, str]
    cells: list[str] = field(default_factory=list)
    classes: list[set[str]] = field(default_factory=list)  # each cell's classes
    links: list[str | None] = field(default_factory=list)  # each cell's first link

    @property
    def greyed(self) -> bool:
        return "unreportable" in self.attributes.get("class", "").split()


class _Table(HTMLParser):
    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.rows: list[Row] = []
        self.headers: list[str] = []
        self._depth = 0  # inside the table: nesting of tables
        self._in_body = False
        self._text: list[str] | None = None
        self._header: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "table" and (self._depth or attributes.get("id") == self.table_id):
            self._depth += 1
        elif not self._depth:
            return
        elif tag == "br":
            self.handle_data(" ")
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append(Row(attributes))
        elif tag == "td" and self._in_body:
            self._text = []
            self.rows[-1].classes.append(set(attributes.get("class", "").split()))
            self.rows[-1].links.append(None)
        elif tag == "th" and not self._in_body:
            self._header = []
        elif tag == "a" and self._text is not None and self.rows[-1].links[-1] is None:
            self.rows[-1].links[-1] = attributes.get("href")

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag == "table":
            self._depth -= 1
        elif tag == "td" and self._text is not None:
            self.rows[-1].cells.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "th" and self._header is not None:
            self.headers.append(" ".join("".join(self._header).split()).removesuffix(" ▼").removesuffix(" ▲"))
            self._header = None

    def handle_data(self, data):
        for collected in (self._text, self._header):
            if collected is not None:
                collected.append(data)


def read_table(html: str, table_id: str) -> _Table:
    """The table with this id: its headers (sort arrows dropped) and body rows; none when it is not there."""
    parsed = _Table(table_id)
    parsed.feed(html)
    return parsed
