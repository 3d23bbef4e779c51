"""Reading back the plain-text tables `radar run` prints."""


def cells(section: str) -> list[list[str]]:
    """The rows of the first text table in a section, cut where its header's dashes are."""
    lines = section.splitlines()
    dashes = next(i for i, line in enumerate(lines) if line.strip().startswith("-"))
    spans, start = [], 0
    for part in lines[dashes].split("  ")[1:]:
        start = lines[dashes].index(part, start)
        spans.append((start, start + len(part)))
        start += len(part)
    rows = []
    for line in lines[dashes + 1:]:
        if not line.startswith("  "):
            break
        rows.append([line[a:b + 1].strip() for a, b in spans])
    return rows
