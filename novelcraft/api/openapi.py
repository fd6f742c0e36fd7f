"""`/api/openapi.json`, generated from the endpoint table and its pydantic models."""

from __future__ import annotations

import functools
import re
from typing import Any

from pydantic import BaseModel, TypeAdapter

import novelcraft
from novelcraft.api.bodies import ErrorBody
from novelcraft.api.endpoints import ENDPOINTS

REF = "#/components/schemas/{model}"
ERRORS = {
    "400": "malformed JSON", "401": "missing or wrong credentials", "404": "unknown id",
    "409": "stale revision", "413": "body too large", "422": "invalid field (named in detail)",
}  # fmt: skip


def _schema(kind: Any, components: dict) -> dict:
    """The schema of `kind`; models go to components and are referenced by name."""
    schema = TypeAdapter(kind).json_schema(ref_template=REF, by_alias=True)
    components.update(schema.pop("$defs", {}))
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        components[kind.__name__] = schema
        return {"$ref": REF.format(model=kind.__name__)}
    return schema


@functools.cache
def openapi_document() -> dict:
    components: dict[str, Any] = {}
    _schema(ErrorBody, components)
    paths: dict[str, dict] = {}
    for ep in ENDPOINTS:
        op: dict[str, Any] = {
            "summary": ep.summary,
            "security": [{"bearer": []}, {"session": []}],
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in re.findall(r"\{(\w+)\}", ep.path)
            ] + [
                {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
                for name in ep.query
            ],
            "responses": {
                str(ep.status): {
                    "description": "ok",
                    "content": {"application/json": {"schema": _schema(ep.response, components)}}
                    if ep.response is not None else {"application/octet-stream": {}},
                },
                **{code: {"description": text, "content": {"application/json": {
                    "schema": {"$ref": REF.format(model="ErrorBody")}}}}
                   for code, text in ERRORS.items()},
            },
        }  # fmt: skip
        if ep.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema(ep.body, components)}},
            }
        elif ep.body_kind == "yaml":
            op["requestBody"] = {"required": True, "content": {"application/yaml": {}}}
        elif ep.body_kind == "bytes":
            op["requestBody"] = {"required": True, "content": {"application/zip": {}}}
        paths.setdefault(ep.path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "NovelCraft API", "version": novelcraft.__version__},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "the token in the workspace's server.json"},
                "session": {"type": "apiKey", "in": "cookie", "name": "user",
                            "description": "the dashboard's signed session cookie; writes "
                                           "also need the X-XSRFToken header"},
            },
        },
    }  # fmt: skip
