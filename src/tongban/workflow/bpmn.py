"""Reading BPMN and DMN files safely and turning them into SpiffWorkflow specs.

Conventions of Tongban's process files (see processes/*.bpmn):
- a user task names the staff role that handles it, as a SpiffWorkflow property
  `<spiffworkflow:property name="role" value="handling_clerk"/>` or, failing that, by the
  name of its lane (the role's value or its Chinese label);
- a user task may list the values its `outcome` variable may take (property `outcomes`,
  comma-separated) and mark itself as a clock pause (property `pause`, e.g. `supplement`);
- an end event names the decision it stands for (property `decision`: approved, refused …);
- a parallel review runs a multi-instance user task over the `departments` list of the data,
  each instance seeing its `department`.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.spiff.parser.process import SPIFF_XSD, SpiffBpmnParser

from tongban.accounts.models import StaffRole

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

MAX_XML_BYTES = 2 * 1024 * 1024


class UnsafeXml(ValueError):
    """The file is not XML, or uses DOCTYPE/entities (refused: XML external entity attacks)."""


def parse_xml(data: bytes | str) -> Any:
    """Parse untrusted XML without DTDs, entities or network access."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_XML_BYTES:
        raise UnsafeXml("too large")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(str(exc)) from exc
    if root is None:
        raise UnsafeXml("empty")
    if root.getroottree().docinfo.doctype:
        raise UnsafeXml("doctype")
    return root


def build_parser(bpmn_root: Any, dmn_root: Any | None, *, validate: bool = False) -> SpiffBpmnParser:
    validator = BpmnValidator(imports={"spiffworkflow": SPIFF_XSD}) if validate else None
    parser = SpiffBpmnParser(validator=validator)
    parser.add_bpmn_xml(bpmn_root, filename="process.bpmn")
    if dmn_root is not None:
        parser.add_dmn_xml(dmn_root, filename="rules.dmn")
    return parser


ROLE_BY_NAME: dict[str, str] = {
    **{str(role.value): str(role.value) for role in StaffRole},
    **{str(role.label): str(role.value) for role in StaffRole},
}


def role_of(extensions: dict[str, Any] | None, lane: str | None) -> str:
    """The staff role a task names: property `role`, else its lane (value or label); '' if none."""
    properties = (extensions or {}).get("properties") or {}
    role = str(properties.get("role") or "").strip()
    if role:
        return role
    return ROLE_BY_NAME.get((lane or "").strip(), (lane or "").strip())


def property_of(extensions: dict[str, Any] | None, name: str) -> str:
    properties = (extensions or {}).get("properties") or {}
    return str(properties.get(name) or "").strip()


SAFE_BUILTINS: dict[str, Any] = {
    name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "isinstance", "len",
        "list", "map", "max", "min", "range", "reversed", "round", "set", "sorted", "str", "sum", "tuple", "zip",
    )
}  # fmt: skip


def script_engine() -> PythonScriptEngine:
    """Expressions and scripts see the task data and a few harmless builtins (no import, open, eval).

    Not a sandbox on its own: uploads are limited to administrators, and validation refuses
    double underscores (the usual way out of a restricted eval).
    """
    return PythonScriptEngine(environment=TaskDataEnvironment({"__builtins__": SAFE_BUILTINS}))
