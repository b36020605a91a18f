"""Darknet .cfg text as a list of (section, {key: value}), whitespace dropped and
comments (# or ;) skipped, the way Darknet's read_cfg reads it. Shared by
darknet-reference.py and darknet-weights.py."""


def parse(cfg):
    sections = []
    for line in cfg.splitlines():
        line = "".join(line.split())
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            sections.append((line[1:-1], {}))
        else:
            k, v = line.split("=", 1)
            sections[-1][1][k] = v
    return sections
