"""Hostile or broken files: each gives a clear diagnostic, quickly, and never a traceback."""

from __future__ import annotations

import time

import pytest

import engine

from .conftest import codes, diagnostics, items


def quick(text: str | bytes, seconds: float = 1.0) -> list[str]:
    started = time.perf_counter()
    found = codes(text)
    assert time.perf_counter() - started < seconds
    return found


def test_malformed_yaml_names_line_and_column() -> None:
    (diag,) = diagnostics("id: t\nsections:\n  - id: s\n   title: x\n")
    assert diag.code == "Y100" and (diag.line, diag.column) == (4, 4)


def test_ten_megabytes_are_refused_before_parsing() -> None:
    assert quick("x: '" + "a" * 10_000_000 + "'\n") == ["Y102"]


def test_file_too_large_is_refused_before_reading(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x: 1\n" * 2_500_000)
    with pytest.raises(engine.QuestionnaireError) as info:
        engine.load_file(path)
    assert [d.code for d in info.value.diagnostics] == ["Y102"]


def test_alias_bomb_is_refused_flat() -> None:
    bomb = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
    for i in range(1, 9):
        refs = ",".join([f"*{chr(96 + i)}"] * 9)
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [{refs}]\n"
    assert quick(bomb) == ["Y103"]


def test_python_tags_never_run(tmp_path) -> None:
    marker = tmp_path / "pwned"
    for tag in ("!!python/object/new:os.system", "!!python/object/apply:os.system", "!!python/name:os.system"):
        text = f"id: {tag} [\"touch {marker}\"]\n"
        assert quick(text) == ["Y104"]
    assert not marker.exists()


def test_condition_nested_a_thousand_deep() -> None:
    deep = "(" * 1000 + "answered(${q1})" + ")" * 1000
    text = items(f"- {{id: q1, type: text, label: {{en: Q, fr: Q}}}}\n"
                 f"- {{id: q2, type: text, label: {{en: Q, fr: Q}}, show_if: \"{deep}\"}}")
    assert quick(text) == ["C407"]


def test_condition_trying_python() -> None:
    text = items("- {id: q1, type: text, label: {en: Q, fr: Q}, show_if: \"__import__('os').system('true')\"}")
    (diag,) = diagnostics(text)
    assert diag.code == "C406" and "__import__" in diag.message


@pytest.mark.parametrize("text, code", [
    ("\ufeffid: t\n", "S201"),  # a BOM is fine; the rest is merely incomplete
    ("id: t\r\nversion: '1'\r\n", "S201"),  # CRLF is fine too
    ("id: t\n\tversion: 1\n", "Y100"),  # tabs
    (b"id: caf\xe9\n", "Y101"),  # Latin-1, not UTF-8
    ("", "S202"),  # empty file
    ("just text", "S202"),
    ("- a\n- b\n", "S202"),
    ("id: t\n---\nid: u\n", "Y107"),
])
def test_odd_files(text: str | bytes, code: str) -> None:
    found = quick(text)
    assert code in found, found


def test_yaml_one_one_booleans_are_not_silently_converted() -> None:
    text = items("""
        - id: q1
          type: single_choice
          label: {en: Q, fr: Q}
          choices:
            - {code: yes, label: {en: Y, fr: O}}
            - {code: NO, label: {en: N, fr: N}}
            - {code: 010, label: {en: Ten, fr: Dix}}
    """)
    q = engine.load(text).questionnaire
    assert q.question("q1").choices.codes == {"yes", "NO", "010"}


def test_random_bytes_never_crash() -> None:
    rng = __import__("random").Random(7)
    for _ in range(300):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        try:
            engine.load(blob)
        except engine.QuestionnaireError as exc:
            assert exc.diagnostics


def test_random_yaml_documents_never_crash() -> None:
    rng = __import__("random").Random(11)
    pieces = ["id: x\n", "sections:\n", "  - id: s\n", "    items:\n", "      - {id: q, type: text}\n",
              "    title: T\n", "languages: [en]\n", "default_language: en\n", "templates: {}\n",
              "      - {use: t, id: u}\n", "choice_lists: {a: []}\n", "framework: {}\n", "version: 1\n",
              "      - {id: q, type: table, columns: [{id: c, type: table}]}\n", "title: {xx: a}\n"]
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        try:
            engine.load(text)
        except engine.QuestionnaireError as exc:
            assert all(d.code for d in exc.diagnostics)


def test_error_messages_quote_content_as_data() -> None:
    text = items("- {id: q1, type: \"<script>alert(1)</script>\", label: {en: Q, fr: Q}}")
    (diag,) = diagnostics(text)
    assert "<script>" in diag.message  # quoted as text; renderers escape it (autoescaping)
