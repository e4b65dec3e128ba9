#!/usr/bin/env python3
"""Validates crier's YAML files against the JSON Schemas of `crier schema` (Python jsonschema).

usage: check-yaml-schemas.py --schemas DIR FILE...

Each FILE's kind comes from its name: crier.yaml -> crier, schedules/*.yaml -> schedule,
*.email.mustache -> its front matter (between the --- lines), *.md -> every ```yaml block,
whose kind is schedule when it has a top-level `cron:`, front-matter when it has `subject:` or
`attachments:`, else crier. Prints `ok FILE[:LINE] (KIND)` or `FILE:LINE: error: ...` per
document; exits 1 when any is invalid. YAML is read as YAML 1.2 (`on:` is a key, not true),
as crier reads it.
"""
import argparse, json, os, re, sys

import jsonschema
import yaml


class Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans (true/false only) and no implicit dates."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def documents(path):
    """(line, kind, text) of each YAML document in `path`."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    name = os.path.basename(path)
    if name.endswith(".md"):
        for match in re.finditer(r"^```yaml\n(.*?)^```", text, re.M | re.S):
            block = match.group(1)
            line = text.count("\n", 0, match.start()) + 2
            if re.search(r"^cron:", block, re.M):
                kind = "schedule"
            elif re.search(r"^(subject|attachments):", block, re.M):
                kind = "front-matter"
            else:
                kind = "crier"
            yield line, kind, block
    elif name.endswith(".email.mustache"):
        match = re.match(r"---\n(.*?)^---$", text, re.M | re.S)
        yield 2, "front-matter", match.group(1) if match else ""
    elif os.path.basename(os.path.dirname(os.path.abspath(path))) == "schedules":
        yield 1, "schedule", text
    else:
        yield 1, "crier", text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schemas", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    validators = {}
    for kind in ("crier", "schedule", "front-matter"):
        with open(os.path.join(args.schemas, kind + ".schema.json"), encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        validators[kind] = jsonschema.Draft202012Validator(schema)
    bad = 0
    for path in args.files:
        for line, kind, text in documents(path):
            try:
                value = yaml.load(text, Loader=Loader)
            except yaml.YAMLError as error:
                print(f"{path}:{line}: error: not YAML: {error}".replace("\n", " "))
                bad += 1
                continue
            errors = sorted(validators[kind].iter_errors({} if value is None else value), key=lambda e: list(e.path))
            for error in errors:
                where = "/".join(str(p) for p in error.path) or "(top level)"
                print(f"{path}:{line}: error: {where}: {error.message} ({kind} schema)")
            bad += bool(errors)
            if not errors:
                print(f"ok {path}:{line} ({kind})")
    sys.exit(1 if bad else 0)


main()
