"""The OpenAPI 3.1 document of the read-only API (served at ``/api/openapi.json``); the tests check
every answer of the implementation against it."""

from __future__ import annotations

from typing import Any

from ..models.states import REGIONAL_GROUPS

PAGE_PARAMETERS: list[dict[str, Any]] = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
]
FILTERS: list[dict[str, Any]] = [
    {"name": "group", "in": "query", "description": "A UN regional group.",
     "schema": {"type": "string", "enum": list(REGIONAL_GROUPS)}},
    {"name": "category", "in": "query", "description": "A kind of assistance (code of ta_categories).",
     "schema": {"type": "string", "maxLength": 32}},
    {"name": "priority", "in": "query", "schema": {"type": "string", "enum": ["high", "medium", "low"]}},
]


def _page_of(item: str) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False,
            "required": ["items", "page", "per_page", "total", "next"],
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
                           "page": {"type": "integer", "minimum": 1},
                           "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
                           "total": {"type": "integer", "minimum": 0},
                           "next": {"type": ["string", "null"]}}}


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"}}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "UNCAC self-assessment: technical assistance API", "version": "1.0.0",
             "description": "Read-only data for coordination platforms: needs for technical assistance "
                            "matched to offers, and the metadata of published country profiles. Only "
                            "what each State consented to share. Tokens are issued by the secretariat."},
    "servers": [{"url": "/"}],
    "security": [{"token": []}],
    "paths": {
        "/api/v1/needs": {"get": {
            "operationId": "needs", "summary": "Needs matched to offers, one item per State, article and kind",
            "parameters": PAGE_PARAMETERS + FILTERS, "responses": _ok("NeedPage", "A page of needs")}},
        "/api/v1/summary": {"get": {
            "operationId": "summary", "summary": "Needs, gaps and overlaps by article",
            "parameters": FILTERS, "responses": _ok("Summary", "Counts by article")}},
        "/api/v1/profiles": {"get": {
            "operationId": "profiles", "summary": "Published country profiles",
            "parameters": PAGE_PARAMETERS, "responses": _ok("ProfilePage", "A page of profiles")}},
    },
    "components": {
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        "responses": {
            "BadRequest": {"description": "A parameter is not valid",
                           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "Unauthorized": {"description": "No token, or a token unknown or revoked",
                             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "Forbidden": {"description": "The token's scopes do not include this data",
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        },
        "schemas": {
            "Error": {"type": "object", "required": ["error", "message"], "additionalProperties": False,
                      "properties": {"error": {"type": "string"}, "message": {"type": "string"}}},
            "Need": {"type": "object", "additionalProperties": False,
                     "required": ["state", "regional_group", "article", "category", "priority", "provisions",
                                  "providers", "gap", "overlap"],
                     "properties": {
                         "state": {"type": "string", "pattern": "^[A-Z]{3}$"},
                         "regional_group": {"type": "string", "enum": list(REGIONAL_GROUPS)},
                         "article": {"type": "string"}, "category": {"type": "string"},
                         "priority": {"type": "string", "enum": ["high", "medium", "low", ""]},
                         "provisions": {"type": "array", "items": {"type": "string"}},
                         "providers": {"type": "array", "items": {"type": "string"}},
                         "gap": {"type": "boolean"}, "overlap": {"type": "boolean"}}},
            "NeedPage": _page_of("Need"),
            "ArticleCount": {"type": "object", "additionalProperties": False,
                             "required": ["article", "needs", "gaps", "overlaps"],
                             "properties": {"article": {"type": "string"},
                                            "needs": {"type": "integer", "minimum": 0},
                                            "gaps": {"type": "integer", "minimum": 0},
                                            "overlaps": {"type": "integer", "minimum": 0}}},
            "Summary": {"type": "object", "additionalProperties": False,
                        "required": ["needs", "gaps", "overlaps", "states", "articles"],
                        "properties": {"needs": {"type": "integer", "minimum": 0},
                                       "gaps": {"type": "integer", "minimum": 0},
                                       "overlaps": {"type": "integer", "minimum": 0},
                                       "states": {"type": "integer", "minimum": 0},
                                       "articles": {"type": "array",
                                                    "items": {"$ref": "#/components/schemas/ArticleCount"}}}},
            "Profile": {"type": "object", "additionalProperties": False,
                        "required": ["state", "name", "questionnaire", "version", "revision", "accepted_at",
                                     "chapters", "url"],
                        "properties": {
                            "state": {"type": "string", "pattern": "^[A-Z]{3}$"},
                            "name": {"type": "object", "additionalProperties": {"type": "string"}},
                            "questionnaire": {"type": "string"}, "version": {"type": "string"},
                            "revision": {"type": "integer", "minimum": 1},
                            "accepted_at": {"type": ["string", "null"], "format": "date-time"},
                            "chapters": {"type": ["array", "null"], "items": {"type": "string"},
                                         "description": "The chapters shown (null: every chapter)"},
                            "url": {"type": "string"}}},
            "ProfilePage": _page_of("Profile"),
        },
    },
}
