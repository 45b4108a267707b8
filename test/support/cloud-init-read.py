"""Reads cloud-config documents as cloud-init does and prints what it would install.

For each path given, one JSON line: the document's top-level keys, and for
every write_files entry and coreos unit the bytes cloud-init would write
(base64), taken through cloud-init's own YAML loader (PyYAML) and its
own write_files decoding, with Debian's python3 and cloud-init package. A document cloud-init cannot read gives {"error": ...}.
"""
import base64
import json
import sys

from cloudinit import safeyaml
from cloudinit.config import cc_write_files
from cloudinit.util import encode_text


def load(text):
    return safeyaml.load(text)


def file_bytes(entry):
    kinds = cc_write_files.canonicalize_extraction(entry.get("encoding"))
    return encode_text(cc_write_files.extract_contents(entry.get("content", ""), kinds))


def b64(data):
    return base64.b64encode(data).decode("ascii")


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        document = load(raw.decode("utf-8"))
    except Exception as e:  # any failure to read is the finding
        return {"error": f"{type(e).__name__}: {e}"}
    if not isinstance(document, dict):
        return {"error": f"top level is {type(document).__name__}, not a mapping"}
    files = [
        {
            "path": entry.get("path"),
            "owner": entry.get("owner"),
            "permissions": entry.get("permissions"),
            "content": b64(file_bytes(entry)),
        }
        for entry in document.get("write_files") or []
    ]
    units = [
        {"name": u.get("name"), "content": b64(encode_unit(u.get("content", "")))}
        for u in (document.get("coreos") or {}).get("units") or []
    ]
    return {"keys": sorted(document.keys()), "files": files, "units": units, "runcmd": document.get("runcmd")}


def encode_unit(text):
    return text.encode("utf-8") if isinstance(text, str) else b""


if __name__ == "__main__":
    for p in sys.argv[1:]:
        result = read(p)
        print(json.dumps(result))
