"""Engine benchmark: load-and-check, full evaluation and one-answer re-evaluation.

Generates a questionnaire of 2,000 questions in six languages, each group a compliance question
with follow-ups that appear on conditions, then prints the median and best of several runs.
Targets on the project's 2-core machine: load < 0.5 s, full evaluation < 5 ms, re-evaluation
after one changed answer < 0.5 ms, and the same re-evaluation time at 500 and at 8,000 questions
(it costs in proportion to what depends on the change, not to the questionnaire).

    python bench/engine.py [--questions 2000] [--sizes 500,2000,8000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402

LANGS = ("ar", "en", "es", "fr", "ru", "zh")
WORDS = {"ar": "سؤال", "en": "Question", "es": "Pregunta", "fr": "Question", "ru": "Вопрос", "zh": "问题"}


def text(label: str) -> str:
    return "{" + ", ".join(f"{lang}: \"{WORDS[lang]} {label}\"" for lang in LANGS) + "}"


def generate(questions: int) -> str:
    per_group = 10
    groups = questions // per_group
    out = [
        "id: bench", "version: '1'", f"title: {text('bench')}", f"languages: [{', '.join(LANGS)}]",
        "default_language: en", "choice_lists:", "  compliance:",
    ]
    for code in ("yes", "partial", "no"):
        out.append(f"    - {{code: \"{code}\", label: {text(code)}}}")
    out.append("  cats:")
    for code in ("a", "b", "c", "other"):
        other = ", other: true" if code == "other" else ""
        out.append(f"    - {{code: {code}, label: {text(code)}{other}}}")
    out.append("sections:")
    for g in range(groups):
        if g % 10 == 0:
            out += [f"  - id: s{g // 10}", f"    title: {text(f's{g // 10}')}", "    items:"]
        p = f"g{g}"
        out += [
            f"      - id: {p}", f"        title: {text(p)}", "        items:",
            f"          - {{id: {p}_c, type: single_choice, choices: compliance, required: true, label: {text('c')}}}",
            f"          - {{id: {p}_m, type: long_text, label: {text('m')}, required: true,"
            f" show_if: \"${{{p}_c}} in ['yes', 'partial']\"}}",
            f"          - {{id: {p}_e, type: long_text, label: {text('e')},"
            f" show_if: \"${{{p}_c}} in ['yes', 'partial']\"}}",
            f"          - {{id: {p}_s, type: long_text, label: {text('s')},"
            f" show_if: \"${{{p}_c}} in ['partial', 'no']\"}}",
            f"          - {{id: {p}_x, type: multiple_choice, choices: cats, label: {text('x')},"
            f" show_if: \"${{{p}_c}} != 'yes'\"}}",
            f"          - {{id: {p}_n, type: number, min: 0, max: 100, label: {text('n')},"
            f" show_if: \"selected(${{{p}_x}}, 'a') or selected(${{{p}_x}}, 'b')\","
            f" required: \"count_selected(${{{p}_x}}) >= 2\"}}",
            f"          - {{id: {p}_t, type: yes_no, label: {text('t')}, show_if: \"${{{p}_c}} = 'no'\"}}",
            f"          - {{id: {p}_d, type: date, label: {text('d')}, show_if: \"${{{p}_t}} = true\"}}",
            f"          - {{id: {p}_u, type: url, label: {text('u')}}}",
        ]
    return "\n".join(out) + "\n"


def answers_for(q: engine.Questionnaire, seed: int = 1) -> dict:
    rng = random.Random(seed)
    answers: dict = {}
    for question in q.questions:
        if rng.random() < 0.3:
            continue
        kind = question.type
        if kind == "single_choice":
            answers[question.id] = rng.choice(["yes", "partial", "no"])
        elif kind == "multiple_choice":
            answers[question.id] = tuple(sorted(rng.sample(["a", "b", "c", "other"], 2)))
        elif kind == "long_text" or kind == "text":
            answers[question.id] = "Lorem ipsum " * 3
        elif kind == "number":
            answers[question.id] = rng.randrange(0, 120)
        elif kind == "yes_no":
            answers[question.id] = rng.random() < 0.5
        elif kind == "url":
            answers[question.id] = "https://example.org/law"
    return answers


def timed(func, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return times


def show(name: str, times: list[float], target: float) -> None:
    median, best = statistics.median(times), min(times)
    unit, scale = ("ms", 1e3) if target < 0.1 else ("s", 1)
    verdict = "ok" if median < target else "OVER TARGET"
    print(f"{name:38} median {median * scale:8.3f} {unit}   best {best * scale:8.3f} {unit}"
          f"   target < {target * scale:g} {unit}   {verdict}")


def changes_for(q: engine.Questionnaire, answers: dict, count: int) -> list[tuple[dict, str]]:
    """``count`` sets of answers, each with one compliance answer changed."""
    rng = random.Random(2)
    compliance = [question.id for question in q.questions if question.type == "single_choice"]
    changes = []
    for _ in range(count):
        qid = rng.choice(compliance)
        changed = dict(answers)
        changed[qid] = rng.choice(["yes", "partial", "no"])
        changes.append((changed, qid))
    return changes


def reevaluation(sizes: list[int], repeat: int) -> dict[int, list[float]]:
    """One-answer re-evaluations at every size, interleaved (one of each size in turn), so that the
    machine's load falls on every size alike."""
    cases = {}
    for size in sizes:
        q = engine.load(generate(size), source="bench.yaml").questionnaire
        answers = answers_for(q)
        cases[size] = (engine.evaluate(q, answers), changes_for(q, answers, repeat * 50))
    times: dict[int, list[float]] = {size: [] for size in sizes}
    for index in range(repeat * 50):
        for size, (base, changes) in cases.items():
            changed, qid = changes[index]
            started = time.perf_counter()
            base.update(changed, [qid])
            times[size].append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--sizes", default="500,2000,8000", help="sizes for re-evaluation (comma-separated)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    source = generate(args.questions)
    loaded = engine.load(source, source="bench.yaml")
    q = loaded.questionnaire
    conditions = sum(1 for item in q.index.items.values() if item.show_if is not None)
    print(f"questionnaire: {len(q.questions)} questions (with implied 'other' boxes), {conditions} show_if "
          f"conditions, {len(LANGS)} languages, {len(source.encode()) / 1e6:.2f} MB of YAML; "
          f"Python {sys.version.split()[0]}")
    show("load and check", timed(lambda: engine.load(source, source="bench.yaml"), args.repeat), 0.5)
    answers = answers_for(q)
    show("full evaluation", timed(lambda: engine.evaluate(q, answers), args.repeat * 5), 0.005)
    sizes = [int(size) for size in args.sizes.split(",") if size]
    by_size = reevaluation(sizes, args.repeat)
    for size, times in by_size.items():
        show(f"re-evaluation after one answer ({size})", times, 0.0005)
    medians = [statistics.median(times) for times in by_size.values()]
    if len(medians) > 1:
        print(f"re-evaluation, largest over smallest questionnaire ({sizes[-1]} / {sizes[0]} questions): "
              f"{medians[-1] / medians[0]:.2f}x (flat: about 1)")


if __name__ == "__main__":
    main()
