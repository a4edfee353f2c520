#!/usr/bin/env python3
"""Lists where luagate's resource catalogue and an OpenAPI description of the ngrok.ai API
disagree: paths, fields, types, limits, required and nullable flags, list envelopes and
parameters (query and header: type, enum, lengths, ranges), number ranges, array item limits,
and each branch of a oneOf (against the catalogue's union of their fields). Usage:
  compare.py CATALOGUE.json OPENAPI.yaml [--accepted ACCEPTED.txt]
(scripts/check-catalogue.sh makes the first with `fake-ngrok-ai --print-catalogue`). With
--accepted, each line of that file is a difference exactly as printed here, then ` -- ` and
the reason it is accepted; accepted differences are listed apart and do not fail. Exit status
0 when every difference is accepted (and every accepted one still occurs), 1 otherwise, 2 for
bad usage or an accepted line without a reason."""
import json
import sys

import yaml

# Paths luagate leaves out on purpose, and why.
NOT_OFFERED = {"/credits/checkout-session": "buying credits spends money"}

TYPES = {"string": "string", "timestamp": "string", "integer": "integer", "number": "number", "boolean": "boolean",
         "table": "object", "array": "array", "any": None}


class Spec:
    def __init__(self, document):
        self.doc = document
        self.paths = document.get("paths", {})

    def ref(self, pointer):
        node = self.doc
        for part in pointer.lstrip("#/").split("/"):
            node = node[part]
        return node

    def schema(self, node, depth=0):
        """The schema with $ref and allOf resolved, and whether it is nullable."""
        if depth > 20 or node is None:
            return {}, False
        nullable = bool(node.get("nullable"))
        if "$ref" in node:
            inner, n = self.schema(self.ref(node["$ref"]), depth + 1)
            return inner, nullable or n
        if "allOf" in node:
            merged = {k: v for k, v in node.items() if k != "allOf"}
            for part in node["allOf"]:
                inner, n = self.schema(part, depth + 1)
                nullable = nullable or n
                for k, v in inner.items():
                    merged.setdefault(k, v)
            return merged, nullable
        return node, nullable

    def parameters(self, operation, where="query"):
        out = {}
        for p in operation.get("parameters", []):
            p = self.ref(p["$ref"]) if "$ref" in p else p
            if p.get("in") == where:
                out[p["name"]] = p
        return out

    def body(self, operation):
        content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        return self.schema(content.get("schema"))[0] if content else None

    def response(self, operation):
        for status in ("200", "201"):
            content = operation.get("responses", {}).get(status, {}).get("content", {}).get("application/json")
            if content:
                return self.schema(content.get("schema"))[0]
        return None


class Report:
    def __init__(self):
        self.lines = []

    def add(self, where, text):
        self.lines.append(f"{where}: {text}")


def compare_fields(spec, report, where, fields, schema, mode):
    """mode: record (what the API returns), create (a body written whole), update (a PATCH body)."""
    if schema is None:
        report.add(where, "OpenAPI has no schema here")
        return
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    if mode == "record":
        mine = {f["name"]: f for f in fields if f["inRecord"]}
    elif mode == "update":
        mine = {f["name"]: f for f in fields if f["update"] != "no"}
    else:
        mine = {f["name"]: f for f in fields if f["create"] != "no"}
    for name in sorted(set(props) - set(mine)):
        report.add(where, f"field '{name}' is in OpenAPI, not in the catalogue")
    for name in sorted(set(mine) - set(props)):
        report.add(where, f"field '{name}' is in the catalogue, not in OpenAPI")
    for name in sorted(set(mine) & set(props)):
        field = mine[name]
        theirs, nullable = spec.schema(props[name])
        at = f"{where}.{name}"
        expected = TYPES.get(field["type"])
        if expected and theirs.get("type") and theirs["type"] != expected:
            report.add(at, f"type: catalogue {field['type']}, OpenAPI {theirs['type']}")
        if field["type"] == "timestamp" and theirs.get("format") != "date-time":
            report.add(at, f"catalogue says timestamp, OpenAPI format is {theirs.get('format')}")
        if "enum" in field and theirs.get("enum") and sorted(field["enum"]) != sorted(theirs["enum"]):
            report.add(at, f"enum: catalogue {field['enum']}, OpenAPI {theirs['enum']}")
        # A list of strings: the catalogue's length limits are its items' (`unsupportedParams`).
        limited = theirs
        if field["type"] == "array" and field.get("items") in ("string", "integer", "number"):
            limited = spec.schema(theirs.get("items"))[0]
            if expected_item := TYPES.get(field["items"]):
                if limited.get("type") and limited["type"] != expected_item:
                    report.add(at, f"item type: catalogue {field['items']}, OpenAPI {limited['type']}")
        for key in ("maxLength", "minLength"):
            if mode != "record" and field.get(key) != limited.get(key):
                report.add(at, f"{key}: catalogue {field.get(key)}, OpenAPI {limited.get(key)}")
        if field["type"] in ("integer", "number"):
            for key in ("minimum", "maximum"):
                if field.get(key) != theirs.get(key):
                    report.add(at, f"{key}: catalogue {field.get(key)}, OpenAPI {theirs.get(key)}")
        if mode != "record" and field["type"] == "array":
            for key in ("minItems", "maxItems"):
                if field.get(key) != theirs.get(key):
                    report.add(at, f"{key}: catalogue {field.get(key)}, OpenAPI {theirs.get(key)}")
        if mode == "record":
            if field["requiredInRecord"] != (name in required):
                report.add(at, f"required in records: catalogue {field['requiredInRecord']}, OpenAPI {name in required}")
            # The printed catalogue has no nullable flag for records: requiredInRecord means
            # "always present and never null", and an optional field may be absent or null alike.
            # So the one nullability it states is that of required fields.
            if field["requiredInRecord"] and nullable:
                report.add(at, "nullable in records: catalogue never null (required), OpenAPI nullable")
        elif mode == "update":
            clearable = field["update"] == "setOrClear"
            if clearable != nullable:
                report.add(at, f"clearable with null: catalogue {clearable}, OpenAPI nullable {nullable}")
        else:
            if (field["create"] == "required") != (name in required):
                report.add(at, f"required: catalogue {field['create'] == 'required'}, OpenAPI {name in required}")
        nested = field.get("fields")
        if nested:
            inner = theirs
            if theirs.get("type") == "array":
                inner = spec.schema(theirs.get("items"))[0]
            compare_fields(spec, report, at, nested, inner, "record" if mode == "record" else "create")


def compare_headers(spec, report, where, fields, operation):
    """Header parameters: the catalogue's (a purchase's Idempotency-Key) against OpenAPI's."""
    theirs = spec.parameters(operation, "header")
    mine = {f["name"]: f for f in fields}
    for name in sorted(set(theirs) - set(mine)):
        report.add(where, f"header parameter '{name}' is in OpenAPI, not in the catalogue")
    for name in sorted(set(mine) - set(theirs)):
        report.add(where, f"header parameter '{name}' is in the catalogue, not in OpenAPI")
    for name in sorted(set(mine) & set(theirs)):
        required = bool(theirs[name].get("required"))
        if (mine[name]["create"] == "required") != required:
            report.add(f"{where}.{name}", f"required: catalogue {mine[name]['create'] == 'required'}, OpenAPI {required}")
        schema = spec.schema(theirs[name].get("schema"))[0]
        for key in ("minLength", "maxLength"):
            if mine[name].get(key) != schema.get(key):
                report.add(f"{where}.{name}", f"{key}: catalogue {mine[name].get(key)}, OpenAPI {schema.get(key)}")


def compare_parameters(spec, report, where, fields, operation):
    """Query parameters, both ways: presence, required, type (and timestamp format), enum,
    length limits and number ranges."""
    compare_headers(spec, report, where, [], operation)
    theirs = spec.parameters(operation)
    mine = {f["name"]: f for f in fields}
    for name in sorted(set(theirs) - set(mine) - {"cursor"}):
        report.add(where, f"query parameter '{name}' is in OpenAPI, not in the catalogue")
    for name in sorted(set(mine) - set(theirs)):
        report.add(where, f"query parameter '{name}' is in the catalogue, not in OpenAPI")
    for name in sorted(set(mine) & set(theirs)):
        field, at = mine[name], f"{where}.{name}"
        required = bool(theirs[name].get("required"))
        if (field["create"] == "required") != required:
            report.add(at, f"required: catalogue {field['create'] == 'required'}, OpenAPI {required}")
        schema = spec.schema(theirs[name].get("schema"))[0]
        expected = TYPES.get(field["type"])
        if expected and schema.get("type") != expected:
            report.add(at, f"type: catalogue {field['type']}, OpenAPI {schema.get('type')}")
        if field["type"] == "timestamp" and schema.get("format") != "date-time":
            report.add(at, f"catalogue says timestamp, OpenAPI format is {schema.get('format')}")
        if sorted(field.get("enum") or []) != sorted(schema.get("enum") or []):
            report.add(at, f"enum: catalogue {field.get('enum')}, OpenAPI {schema.get('enum')}")
        for key in ("minLength", "maxLength", "minimum", "maximum"):
            if field.get(key) != schema.get(key):
                report.add(at, f"{key}: catalogue {field.get(key)}, OpenAPI {schema.get(key)}")


def merge_branches(spec, report, where, record):
    """One schema for the items of a oneOf, to hold against the catalogue's one list of fields
    (the union of the shapes'): every branch's properties, each enum the union of the branches',
    nullable if any branch says so, required only where every branch requires it. A property
    whose type or format differs between branches is a difference of its own."""
    props, required, nullable = {}, None, {}
    for branch in record["oneOf"]:
        shape, n = spec.schema(branch)
        required = set(shape.get("required", [])) if required is None else required & set(shape.get("required", []))
        for name, prop in shape.get("properties", {}).items():
            theirs, n = spec.schema(prop)
            nullable[name] = nullable.get(name, False) or n
            if name not in props:
                props[name] = dict(theirs)
                continue
            merged = props[name]
            for key in ("type", "format"):
                if merged.get(key) != theirs.get(key):
                    report.add(f"{where}.{name}", f"{key} differs between oneOf branches: {merged.get(key)}, {theirs.get(key)}")
            if "enum" in merged or "enum" in theirs:
                merged["enum"] = sorted(set(merged.get("enum") or []) | set(theirs.get("enum") or []))
    for name, n in nullable.items():
        if n:
            props[name]["nullable"] = True
    return {"type": "object", "properties": props, "required": sorted(required or [])}


def read_accepted(path):
    """{difference: reason} from the accepted-differences file (`#` comments, blank lines skipped)."""
    accepted = {}
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        difference, sep, reason = line.partition(" -- ")
        if not sep or not reason.strip():
            sys.exit(f"{path}:{number}: an accepted difference needs ' -- ' and its reason: {line}")
        accepted[difference.strip()] = reason.strip()
    return accepted


def compare_extra(spec, report, covered, r):
    """Operations written beside the catalogue's model (credit purchases): path, method, status,
    headers, body and result."""
    for op in r.get("extraOperations", []):
        where, p, method = f"{r['name']}.{op['name']}", op["path"], op["method"]
        covered.add(p)
        operation = spec.paths.get(p, {}).get(method)
        if operation is None:
            report.add(where, f"{method.upper()} {p} is not in OpenAPI")
            continue
        status = str(op["status"])
        if status not in operation.get("responses", {}):
            report.add(where, f"status {status} is not among OpenAPI's responses {sorted(operation.get('responses', {}))}")
        compare_headers(spec, report, where, op.get("headers", []), operation)
        if "body" in op:
            compare_fields(spec, report, where, op["body"], spec.body(operation), "create")
        compare_fields(spec, report, f"{where} result", op["fields"], spec.response(operation), "record")


def main():
    args = sys.argv[1:]
    accepted = {}
    if "--accepted" in args:
        at = args.index("--accepted")
        if at + 1 >= len(args):
            sys.exit("usage: compare.py CATALOGUE.json OPENAPI.yaml [--accepted ACCEPTED.txt]")
        accepted = read_accepted(args[at + 1])
        del args[at:at + 2]
    if len(args) != 2:
        print("usage: compare.py CATALOGUE.json OPENAPI.yaml [--accepted ACCEPTED.txt]", file=sys.stderr)
        return 2
    catalogue = json.load(open(args[0]))
    spec = Spec(yaml.safe_load(open(args[1])))
    report = Report()
    covered = set()
    for r in catalogue:
        name, path = r["name"], r["path"]
        compare_extra(spec, report, covered, r)
        if r.get("partlyPublished") and path not in spec.paths:
            # Documented on ngrok.com only: nothing to compare until the OpenAPI file has it,
            # and then it is compared in full (and should lose its mark).
            covered.update({path, path + "/{id}"})
            print(f"note: {name} is partly published (not in this OpenAPI file); not compared")
            continue
        if r.get("partlyPublished"):
            report.add(name, f"marked partly published, but OpenAPI now has {path}: complete it and remove the mark")
        if r["kind"] == "collection":
            item = path + "/{id}"
            for p in (path, item):
                covered.add(p)
                if p not in spec.paths:
                    report.add(name, f"path {p} is not in OpenAPI")
            if path not in spec.paths or item not in spec.paths:
                continue
            listing = spec.paths[path].get("get", {})
            page = spec.response(listing) or {}
            envelope = r.get("envelope")
            if envelope not in page.get("properties", {}):
                report.add(f"{name}.list", f"envelope '{envelope}' is not in the list response ({sorted(page.get('properties', {}))})")
            else:
                record = spec.schema(page["properties"][envelope].get("items"))[0]
                compare_fields(spec, report, f"{name} record", r["fields"], record, "record")
            compare_parameters(spec, report, f"{name}.list", r["listParameters"], listing)
            compare_fields(spec, report, f"{name}.create", r["fields"], spec.body(spec.paths[path].get("post", {})), "create")
            compare_fields(spec, report, f"{name}.update", r["fields"], spec.body(spec.paths[item].get("patch", {})), "update")
            if "delete" not in spec.paths[item]:
                report.add(f"{name}.delete", "OpenAPI has no DELETE")
            for action in r["actions"]:
                p = f"{item}/{action['name']}"
                covered.add(p)
                if p not in spec.paths:
                    report.add(f"{name}.{action['name']}", f"path {p} is not in OpenAPI")
                    continue
                compare_fields(spec, report, f"{name}.{action['name']}", action["fields"],
                               spec.body(spec.paths[p].get("post", {})), "create")
        elif r["kind"] == "singleton":
            covered.add(path)
            if path not in spec.paths:
                report.add(name, f"path {path} is not in OpenAPI")
                continue
            compare_fields(spec, report, f"{name} record", r["fields"], spec.response(spec.paths[path].get("get", {})), "record")
            compare_fields(spec, report, f"{name}.update", r["fields"], spec.body(spec.paths[path].get("patch", {})), "update")
        else:
            for q in r["queries"]:
                p = q["path"]
                covered.add(p)
                where = f"{name}.{q['name']}"
                if q["result"] == "item":
                    continue  # read from the list (the API has no path for one item)
                if p not in spec.paths:
                    report.add(where, f"path {p} is not in OpenAPI")
                    continue
                operation = spec.paths[p].get("get", {})
                compare_parameters(spec, report, where, q["parameters"], operation)
                response = spec.response(operation) or {}
                if q["result"] == "object":
                    compare_fields(spec, report, f"{where} result", q["fields"], response, "record")
                else:
                    envelope = q.get("envelope")
                    items = response.get("properties", {}).get(envelope)
                    if items is None:
                        report.add(where, f"envelope '{envelope}' is not in the response")
                        continue
                    record = spec.schema(items.get("items"))[0]
                    if "oneOf" in record:
                        record = merge_branches(spec, report, f"{where} record", record)
                    compare_fields(spec, report, f"{where} record", q["fields"], record, "record")
    for p in sorted(set(spec.paths) - covered):
        if p in NOT_OFFERED:
            print(f"note: {p} is not offered ({NOT_OFFERED[p]})")
        else:
            report.add("paths", f"{p} is in OpenAPI, not in the catalogue")
    found = set(report.lines)
    unaccepted = [line for line in report.lines if line not in accepted]
    for line in report.lines:
        if line in accepted:
            print(f"accepted: {line} ({accepted[line]})")
    stale = sorted(set(accepted) - found)
    for line in stale:
        print(f"no longer a difference, remove it from the accepted file: {line}")
    for line in unaccepted:
        print(line)
    n = len(unaccepted)
    print(f"{n} {'unaccepted ' if accepted else ''}difference{'s' if n != 1 else ''}"
          + (f", {len(found) - n} accepted" if accepted else "")
          + (f", {len(stale)} stale accepted line{'s' if len(stale) != 1 else ''}" if stale else ""))
    return 0 if not unaccepted and not stale else 1


if __name__ == "__main__":
    sys.exit(main())
